//go:build integration

package kubeclient

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// contentTypes records the Content-Type of every response, by method.
type contentTypes struct {
	mu    sync.Mutex
	seen  map[string][]string
	paths []string
	next  http.RoundTripper
}

func (c *contentTypes) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		c.mu.Lock()
		c.seen[req.Method] = append(c.seen[req.Method], resp.Header.Get("Content-Type"))
		c.paths = append(c.paths, req.Method+" "+req.URL.Path+" "+resp.Header.Get("Content-Type"))
		c.mu.Unlock()
	}
	return resp, err
}

// recording returns a copy of cfg whose responses' content types land in
// the returned recorder.
func recording(cfg *rest.Config) (*rest.Config, *contentTypes) {
	rec := &contentTypes{seen: map[string][]string{}}
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		rec.next = rt
		return rec
	}
	return c, rec
}

// TestBuiltinTypesSpeakProtobuf applies, reads and watches an HPA and
// records an Event through a real kube-apiserver with a clientset built
// from BuiltinTypes: every answer is protobuf, and the objects decode as
// written. A keda.sh client built from the same original config keeps
// working in JSON.
func TestBuiltinTypesSpeakProtobuf(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := cp.InstallSluiceCRDs(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, rec := recording(BuiltinTypes(cp.Config))
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "default"
	w, err := kube.AutoscalingV2().HorizontalPodAutoscalers(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("watch hpas: %v", err)
	}
	defer w.Stop()
	hpa := autoscalingv2ac.HorizontalPodAutoscaler("web", ns).WithSpec(autoscalingv2ac.HorizontalPodAutoscalerSpec().
		WithScaleTargetRef(autoscalingv2ac.CrossVersionObjectReference().WithAPIVersion("apps/v1").WithKind("Deployment").WithName("web")).
		WithMinReplicas(1).WithMaxReplicas(7))
	applied, err := kube.AutoscalingV2().HorizontalPodAutoscalers(ns).Apply(ctx, hpa, metav1.ApplyOptions{FieldManager: "test", Force: true})
	if err != nil {
		t.Fatalf("apply hpa: %v", err)
	}
	if applied.Spec.MaxReplicas != 7 || applied.Spec.ScaleTargetRef.Name != "web" {
		t.Errorf("applied hpa decoded as %+v", applied.Spec)
	}
	got, err := kube.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil || got.Spec.MaxReplicas != 7 {
		t.Fatalf("get hpa: %v, %+v", err, got)
	}
	select {
	case ev := <-w.ResultChan():
		h, ok := ev.Object.(*autoscalingv2.HorizontalPodAutoscaler)
		if ev.Type != watch.Added || !ok || h.Name != "web" || h.Spec.MaxReplicas != 7 {
			t.Errorf("watch event %s %#v", ev.Type, ev.Object)
		}
	case <-ctx.Done():
		t.Fatal("no watch event for the applied hpa")
	}
	event := &corev1.Event{ObjectMeta: metav1.ObjectMeta{GenerateName: "web-", Namespace: ns},
		InvolvedObject: corev1.ObjectReference{Kind: "HorizontalPodAutoscaler", Name: "web", Namespace: ns},
		Reason:         "Test", Message: "m", Type: corev1.EventTypeNormal}
	if _, err := kube.CoreV1().Events(ns).Create(ctx, event, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create event: %v", err)
	}
	rec.mu.Lock()
	for method, types := range rec.seen {
		for _, ct := range types {
			if !strings.HasPrefix(ct, runtime.ContentTypeProtobuf) { // a watch adds ;stream=watch
				t.Errorf("%s answered %q, want protobuf", method, ct)
			}
		}
	}
	if len(rec.seen) < 3 { // GET (with the watch), PATCH, POST
		t.Errorf("recorded only %v", rec.seen)
	}
	rec.mu.Unlock()

	// The original config still serves a custom resource client.
	keda, err := versioned.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: v1alpha1.ScaledObjectSpec{ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "web"},
			Triggers: []v1alpha1.ScaleTriggers{{Type: "cpu", Metadata: map[string]string{"value": "50"}}}}}
	if _, err := keda.KedaV1alpha1().ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create scaledobject with the JSON config: %v", err)
	}
}
