package adapter

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	core "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// publisherFixture is a publisher over a fake clientset holding one
// ScaledObject, with its informers running until the test ends.
type publisherFixture struct {
	client   *fake.Clientset
	w        *watches
	pub      *publisher
	key      poll.Key
	recorder *record.FakeRecorder
	refuse   atomic.Pointer[error] // the answer to status writes when set
	writes   atomic.Int32
}

func newPublisherFixture(t *testing.T) *publisherFixture {
	t.Helper()
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "so", Namespace: "ns"},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "app"},
			Triggers:       []v1alpha1.ScaleTriggers{{Type: "metrics-api"}},
		},
	}
	f := &publisherFixture{recorder: record.NewFakeRecorder(100), key: poll.Key{Namespace: "ns", Name: "so"}}
	client := fake.NewSimpleClientset(so)
	// NewClientset's field-managed tracker has no schema for CRDs: store
	// the applied status as the API server would, so the informer sees it.
	gvr := v1alpha1.SchemeGroupVersion.WithResource("scaledobjects")
	client.PrependReactor("patch", "scaledobjects", func(a core.Action) (bool, runtime.Object, error) {
		f.writes.Add(1)
		if e := f.refuse.Load(); e != nil {
			return true, nil, *e
		}
		pa := a.(core.PatchAction)
		var applied v1alpha1.ScaledObject
		if err := json.Unmarshal(pa.GetPatch(), &applied); err != nil {
			return true, nil, err
		}
		cur, err := client.Tracker().Get(gvr, pa.GetNamespace(), pa.GetName())
		if err != nil {
			return true, nil, err
		}
		out := cur.(*v1alpha1.ScaledObject).DeepCopy()
		out.Status = applied.Status
		return true, out, client.Tracker().Update(gvr, out, pa.GetNamespace())
	})
	w := syncedWatches(t, client)
	engine, err := poll.New(poll.NewOptions(), zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	f.client, f.w = client, w
	f.pub = newPublisher(client, w, engine, clock.RealClock{}, f.recorder, zaptest.NewLogger(t))
	return f
}

// term runs one leadership term of the publisher until stop is called.
func (f *publisherFixture) term() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.pub.run(ctx, 2, func() []poll.Key { return []poll.Key{f.key} })
	}()
	return func() {
		cancel()
		<-done
	}
}

// waitStatus waits until the cached ScaledObject's status satisfies ok.
func (f *publisherFixture) waitStatus(t *testing.T, what string, ok func(*v1alpha1.ScaledObjectStatus) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		so, err := f.w.scaledObject(f.key.Namespace, f.key.Name)
		return err == nil && ok(&so.Status), nil
	})
	if err != nil {
		t.Fatalf("status never showed %s", what)
	}
}

// TestPublisherSurvivesLosingLeadership: after a term ends (the lease was
// lost) the next term writes status again, including what changed while
// no term ran.
func TestPublisherSurvivesLosingLeadership(t *testing.T) {
	f := newPublisherFixture(t)

	stop := f.term()
	f.waitStatus(t, "the Active condition", func(s *v1alpha1.ScaledObjectStatus) bool {
		return s.Condition(v1alpha1.ConditionActive) != nil
	})
	stop()

	// Between terms: a trigger becomes invalid. Nothing is written yet.
	f.pub.setInvalid(f.key, []invalidTrigger{{index: 0, typ: "metrics-api", message: "parameter \"url\": required"}})

	for term := 2; term <= 3; term++ {
		stop = f.term()
		want := "term " + string(rune('0'+term))
		f.pub.setInvalid(f.key, []invalidTrigger{{index: 0, typ: "metrics-api", message: want}})
		f.waitStatus(t, "the message of "+want, func(s *v1alpha1.ScaledObjectStatus) bool {
			return len(s.Triggers) == 1 && strings.Contains(s.Triggers[0].LastError, want)
		})
		stop()
	}
}

// TestRefusedStatusWriteIsVisible: a status write the API server refuses
// (it can never succeed by retrying) becomes one Warning Event on the
// object, however often it is retried.
func TestRefusedStatusWriteIsVisible(t *testing.T) {
	f := newPublisherFixture(t)
	refused := error(apierrors.NewBadRequest("yaml: line 1: key too long"))
	f.refuse.Store(&refused)
	stop := f.term()
	defer stop()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		return f.writes.Load() >= 3, nil
	})
	if err != nil {
		t.Fatalf("status write retried %d times, want at least 3", f.writes.Load())
	}
	var events []string
	for len(f.recorder.Events) > 0 {
		events = append(events, <-f.recorder.Events)
	}
	if len(events) != 1 || !strings.HasPrefix(events[0], "Warning "+ReasonStatusWriteFailed) || !strings.Contains(events[0], "key too long") {
		t.Errorf("events = %q, want one %s naming the refusal", events, ReasonStatusWriteFailed)
	}
}

// syncedWatches returns watches over client, started and synced, and
// shut down when the test ends.
func syncedWatches(t *testing.T, client versioned.Interface) *watches {
	t.Helper()
	w, err := newWatches(client, nil, time.Hour, func(string) {}, func(string, string, string) {})
	if err != nil {
		t.Fatal(err)
	}
	startSynced(t, &w.informerSet)
	return w
}

// startSynced starts the informers of sets, waits until they synced, and
// shuts them down when the test ends.
func startSynced(tb testing.TB, sets ...*informerSet) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var synced []cache.InformerSynced
	tb.Cleanup(func() {
		cancel()
		for _, s := range sets {
			s.shutdown()
		}
	})
	for _, s := range sets {
		s.start(ctx)
		synced = append(synced, s.synced...)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		tb.Fatal("informers did not sync")
	}
}
