package kubeclient

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestClients(t *testing.T) {
	o := Options{Kubeconfig: writeKubeconfig(t), QPS: -1, Burst: 7}
	c, err := o.Clients("sluice-test")
	if err != nil {
		t.Fatal(err)
	}
	if c.Config.UserAgent != "sluice-test" || c.Kube == nil || c.Sluice == nil {
		t.Errorf("clients %+v", c)
	}
	if _, err := (&Options{Kubeconfig: filepath.Join(t.TempDir(), "missing")}).Clients("x"); err == nil {
		t.Error("clients built from a missing kubeconfig")
	}
}

// TestNewRecorderKnowsScaledObjects records an Event on a ScaledObject,
// which needs keda.sh in the recorder's scheme, and waits for it to reach
// the clientset.
func TestNewRecorderKnowsScaledObjects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kube := fake.NewClientset()
	w, err := kube.CoreV1().Events("").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	rec, stop, err := NewRecorder(ctx, kube, "sluice-test")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so", Namespace: "ns", UID: "u1"}}
	rec.Event(so, corev1.EventTypeWarning, "Broken", "a message")
	for {
		select {
		case <-ctx.Done():
			t.Fatal("no event recorded")
		case e := <-w.ResultChan():
			ev, ok := e.Object.(*corev1.Event)
			if e.Type != watch.Added || !ok {
				continue
			}
			if ev.InvolvedObject.Kind != "ScaledObject" || ev.Source.Component != "sluice-test" || ev.Reason != "Broken" {
				t.Errorf("event %+v", ev)
			}
			return
		}
	}
}

// countingFactory records Start and Shutdown.
type countingFactory struct{ started, shut int }

func (f *countingFactory) Start(<-chan struct{}) { f.started++ }
func (f *countingFactory) Shutdown()             { f.shut++ }

func TestStartFactories(t *testing.T) {
	a, b := &countingFactory{}, &countingFactory{}
	shutdown := StartFactories(make(chan struct{}), []Factory{a, b})
	if a.started != 1 || b.started != 1 || a.shut+b.shut != 0 {
		t.Fatalf("after start: %+v %+v", a, b)
	}
	shutdown()
	if a.shut != 1 || b.shut != 1 {
		t.Errorf("after shutdown: %+v %+v", a, b)
	}
}
