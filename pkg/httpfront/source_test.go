package httpfront

import (
	"context"
	"testing"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	sluicefake "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
)

func TestSourceRoutes(t *testing.T) {
	so := func(name string, ann map[string]string) runtime.Object {
		return &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Annotations: ann}}
	}
	svc := func(name string, spec corev1.ServiceSpec) runtime.Object {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Spec: spec}
	}
	src, w, _ := newTestSource(t, nil, false)
	// Seed the caches as the informers would, without running them.
	for _, o := range []runtime.Object{
		svc("web", corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP}),
		svc("ext", corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "app.example.net"}),
	} {
		if err := w.Services.GetIndexer().Add(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []runtime.Object{
		so("web", map[string]string{AnnotationService: "web:8080", AnnotationHosts: "web.example.com"}),
		so("ext", map[string]string{AnnotationService: "ext:80", AnnotationHosts: "ext.example.com"}),
		so("nosvc", map[string]string{AnnotationService: "missing:80", AnnotationHosts: "nosvc.example.com"}),
		so("bad", map[string]string{AnnotationService: "web", AnnotationHosts: "bad.example.com"}),
		so("plain", nil),
	} {
		if err := w.Objects.GetIndexer().Add(o); err != nil {
			t.Fatal(err)
		}
	}
	src.Rebuild()
	tests := []struct{ host, wantBackend string }{
		{"web.example.com", "web.ns.svc:8080"},
		{"ext.example.com", "app.example.net:80"},
		{"nosvc.example.com", ""},
		{"bad.example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := src.Match(tt.host, "/")
			switch {
			case tt.wantBackend == "" && r != nil:
				t.Fatalf("routed to %+v, want no route", r)
			case tt.wantBackend != "" && (r == nil || r.Backend != tt.wantBackend):
				t.Fatalf("route %+v, want backend %s", r, tt.wantBackend)
			}
		})
	}
	if !src.Known("ns", "web") || src.Known("ns", "plain") || src.Known("ns", "bad") {
		t.Fatal("Known disagrees with the routes")
	}
}

func TestSourceRunRebuildsOnKick(t *testing.T) {
	src, w, _ := newTestSource(t, nil, false)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		src.Run(ctx, func() bool { return true })
	}()
	defer func() { cancel(); <-done }()
	waitFor(t, src.Ready)
	if err := w.Services.GetIndexer().Add(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Objects.GetIndexer().Add(&v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web",
		Annotations: map[string]string{AnnotationService: "web:80"}}}); err != nil {
		t.Fatal(err)
	}
	src.kick()
	waitFor(t, func() bool { return src.Match("any", "/") != nil })
}

func TestRoutingChanged(t *testing.T) {
	so := func(ann map[string]string) *v1alpha1.ScaledObject {
		return &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Annotations: ann}}
	}
	routed := map[string]string{AnnotationService: "web:80"}
	tests := []struct {
		name     string
		old, cur any
		want     bool
	}{
		{"status only", so(routed), so(routed), false},
		{"wake stamp only", so(routed), so(map[string]string{AnnotationService: "web:80", v1alpha1.AnnotationHTTPWake: "x"}), false},
		{"service changed", so(routed), so(map[string]string{AnnotationService: "web:81"}), true},
		{"hosts added", so(routed), so(map[string]string{AnnotationService: "web:80", AnnotationHosts: ""}), true},
		{"opted out", so(routed), so(nil), true},
		{"service port only", &corev1.Service{}, &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 1}}}}, false},
		{"service type", &corev1.Service{}, &corev1.Service{Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName}}, true},
		{"tombstone", "x", "y", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := routingChanged(tt.old, tt.cur); got != tt.want {
				t.Fatalf("routingChanged = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSourceOnChange: every rebuild hands the routed apps to OnChange, so
// that a deleted ScaledObject or a removed annotation drops its app.
func TestSourceOnChange(t *testing.T) {
	src, w, _ := newTestSource(t, nil, false)
	var got map[string]bool
	src.OnChange(func(keys map[string]bool) { got = keys })
	if err := w.Services.GetIndexer().Add(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}); err != nil {
		t.Fatal(err)
	}
	objs := map[string]*v1alpha1.ScaledObject{}
	for _, name := range []string{"a", "b"} {
		objs[name] = &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name,
			Annotations: map[string]string{AnnotationService: "web:80", AnnotationPathPrefix: "/" + name}}}
		if err := w.Objects.GetIndexer().Add(objs[name]); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name   string
		change func() error
		want   []string
	}{
		{"both routed", func() error { return nil }, []string{"ns/a", "ns/b"}},
		{"annotation removed", func() error {
			b := objs["b"].DeepCopy()
			b.Annotations = nil
			return w.Objects.GetIndexer().Update(b)
		}, []string{"ns/a"}},
		{"object deleted", func() error { return w.Objects.GetIndexer().Delete(objs["a"]) }, nil},
	}
	for _, s := range steps {
		if err := s.change(); err != nil {
			t.Fatal(err)
		}
		src.Rebuild()
		if len(got) != len(s.want) {
			t.Fatalf("%s: keys %v, want %v", s.name, got, s.want)
		}
		for _, k := range s.want {
			if !got[k] {
				t.Fatalf("%s: keys %v, want %v", s.name, got, s.want)
			}
		}
	}
}

// newTestSource returns a Source over fresh informers of ScaledObjects and
// of kube's Services (a new fake clientset's when kube is nil), with its
// EndpointSlices when slices is set, and the informers and kube's factory.
func newTestSource(t *testing.T, kube kubernetes.Interface, slices bool) (*Source, Informers, informers.SharedInformerFactory) {
	t.Helper()
	if kube == nil {
		kube = kubefake.NewClientset()
	}
	kf := informers.NewSharedInformerFactory(kube, 0)
	sf := sluiceinformers.NewSharedInformerFactory(sluicefake.NewClientset(), 0)
	w := Informers{Objects: sf.Keda().V1alpha1().ScaledObjects().Informer(), Services: kf.Core().V1().Services().Informer()}
	if slices {
		w.EndpointSlices = kf.Discovery().V1().EndpointSlices().Informer()
	}
	src, err := NewSource([]Informers{w}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	return src, w, kf
}
