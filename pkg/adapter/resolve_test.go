package adapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kubefake "k8s.io/client-go/kubernetes/fake"
	core "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

func TestIsTransient(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"not found", apierrors.NewNotFound(gr, "creds"), false},
		{"forbidden", apierrors.NewForbidden(gr, "creds", errors.New("rbac")), false},
		{"invalid", apierrors.NewBadRequest("bad"), false},
		{"plain", errors.New(`parameter "url": required`), false},
		{"server timeout", apierrors.NewServerTimeout(gr, "get", 1), true},
		{"timeout", apierrors.NewTimeoutError("slow", 1), true},
		{"503", apierrors.NewServiceUnavailable("down"), true},
		{"500", apierrors.NewInternalError(errors.New("etcd")), true},
		{"429", apierrors.NewTooManyRequests("slow down", 1), true},
		{"conflict", apierrors.NewConflict(gr, "creds", errors.New("changed")), true},
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"net", &net.OpError{Op: "dial", Err: errors.New("no route")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTransient(tt.err); got != tt.want {
				t.Errorf("isTransient(%v) = %v, want %v", tt.err, got, tt.want)
			}
			if got := isTransientErr(classify(fmt.Errorf("trigger 0: %w", tt.err))); got != tt.want {
				t.Errorf("classify marked it transient = %v, want %v", got, tt.want)
			}
		})
	}
}

type constSource struct{}

func (constSource) Poll(context.Context) (float64, error) { return 1, nil }

// resolveFixture is a controller over fake clientsets whose Secret GETs
// answer with secretErr when it is set.
type resolveFixture struct {
	ctrl      *controller
	pub       *publisher
	engine    *poll.Engine
	builds    atomic.Int32
	secretErr atomic.Pointer[error]
}

func newResolveFixture(t *testing.T) *resolveFixture {
	t.Helper()
	f := &resolveFixture{}
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "so", Namespace: "ns"},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "app"},
			Triggers: []v1alpha1.ScaleTriggers{{
				Type: "test", Metadata: map[string]string{"q": "x"},
				AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "auth"},
			}},
		},
	}
	ta := &v1alpha1.TriggerAuthentication{
		ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: "ns"},
		Spec: v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{
			{Parameter: "token", Name: "creds", Key: "token"},
		}},
	}
	kube := kubefake.NewClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: "ns"},
		Data:       map[string][]byte{"token": []byte("s3cret")},
	})
	kube.PrependReactor("get", "secrets", func(core.Action) (bool, runtime.Object, error) {
		if e := f.secretErr.Load(); e != nil {
			return true, nil, *e
		}
		return false, nil, nil
	})
	keda := fake.NewSimpleClientset(so, ta)
	w := syncedWatches(t, keda)
	reg := scalers.NewRegistry()
	if err := reg.Register("test", func(cfg scalers.Config) (*scalers.Trigger, error) {
		f.builds.Add(1)
		return &scalers.Trigger{Key: "test/" + cfg.Metadata["q"], Source: constSource{}, MetricName: "test", Target: 1}, nil
	}); err != nil {
		t.Fatal(err)
	}
	var err error
	f.engine, err = poll.New(poll.NewOptions(), zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	res := &resolver{kube: kube, w: w, registry: reg, ownNamespace: "sluice-system", log: zap.NewNop()}
	f.pub = newPublisher(keda, w, f.engine, clock.RealClock{}, record.NewFakeRecorder(100), zap.NewNop())
	f.ctrl = newController(w, res, f.engine, f.pub, record.NewFakeRecorder(100), zap.NewNop())
	return f
}

func (f *resolveFixture) failSecrets(err error) { f.secretErr.Store(&err) }

// TestTransientResolutionKeepsLastGood: a Secret read that times out keeps
// the trigger polled with its last good build and is retried; a missing
// Secret is a configuration error that drops it.
func TestTransientResolutionKeepsLastGood(t *testing.T) {
	f := newResolveFixture(t)
	key, pk := "ns/so", poll.Key{Namespace: "ns", Name: "so"}
	triggers := func() int {
		st, ok := f.engine.State(pk)
		if !ok {
			return 0
		}
		return len(st.Triggers)
	}

	if retry := f.ctrl.sync(context.Background(), key); retry || triggers() != 1 {
		t.Fatalf("first sync: retry %v, %d triggers; want no retry, 1 trigger", retry, triggers())
	}

	f.failSecrets(apierrors.NewServerTimeout(schema.GroupResource{Resource: "secrets"}, "get", 1))
	if retry := f.ctrl.sync(context.Background(), key); !retry {
		t.Error("a timed-out Secret read is not retried")
	}
	if n := triggers(); n != 1 {
		t.Fatalf("after a timed-out Secret read %d triggers are polled, want the last good one", n)
	}
	f.pub.mu.Lock()
	inv := f.pub.invalid[pk]
	f.pub.mu.Unlock()
	if len(inv) != 1 || !inv[0].transient {
		t.Errorf("publisher told %+v, want one transient warning", inv)
	}
	so, _ := f.ctrl.w.scaledObject("ns", "so")
	st, _ := f.engine.State(pk)
	got := desiredStatus(so, &st, inv, now)
	if w := got.Triggers[0].Warning; w == "" || got.Triggers[0].LastError != "" {
		t.Errorf("status trigger = %+v, want a warning and no error", got.Triggers[0])
	}

	f.failSecrets(apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, "creds"))
	if retry := f.ctrl.sync(context.Background(), key); retry {
		t.Error("a missing Secret is retried with backoff as if transient")
	}
	if n := triggers(); n != 0 {
		t.Errorf("after the Secret was deleted %d triggers are polled, want none", n)
	}
	f.pub.mu.Lock()
	inv = f.pub.invalid[pk]
	f.pub.mu.Unlock()
	if len(inv) != 1 || inv[0].transient {
		t.Errorf("publisher told %+v, want one invalid trigger", inv)
	}
}
