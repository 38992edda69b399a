package httpfront

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// fakeEndpoints is a Service's readiness the test sets.
type fakeEndpoints struct{ ready atomic.Bool }

func (e *fakeEndpoints) ServiceReady(ns, service string) bool {
	return ns == "ns" && service == "web" && e.ready.Load()
}

// TestEndpointSlicesReleaseHeld: an app routed through EndpointSlices is
// held while its Service has no ready endpoint, even though its backend
// would accept a connection (no dial decides), released as soon as the
// front is told of a ready endpoint, and held again once there is none.
func TestEndpointSlicesReleaseHeld(t *testing.T) {
	app := &testApp{t: t, handler: echo()}
	app.start() // accepts connections all along: only the endpoints decide
	eps := &fakeEndpoints{}
	f, err := New(Config{
		Routes: NewTable([]*Route{{Namespace: "ns", Name: "web", Service: "web", Port: 80, PathPrefix: "/", Backend: "app.test:80", Endpoints: true}}),
		Waker:  app, Endpoints: eps, DialContext: app.dial, Registerer: prometheus.NewRegistry(), WakeTimeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.sliceRecheck = time.Hour // only a change can release the requests
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	get := func() <-chan string {
		out := make(chan string, 1)
		go func() {
			resp, err := http.Get(srv.URL + "/a")
			if err != nil {
				out <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			out <- resp.Status + " " + string(b)
		}()
		return out
	}
	for round := range 2 {
		answer := get()
		waitFor(t, func() bool { return f.Load("ns", "web").Concurrency == 1 && app.wakes.Load() >= 1 })
		select {
		case got := <-answer:
			t.Fatalf("round %d: answered %q before the Service had a ready endpoint", round, got)
		default:
		}
		eps.ready.Store(true)
		f.EndpointsChanged("ns", "web")
		if got := <-answer; got != "200 OK hello /a" {
			t.Fatalf("round %d: %s", round, got)
		}
		// The endpoints go away: the app is not ready any more.
		eps.ready.Store(false)
		f.EndpointsChanged("ns", "web")
		if f.app(&Route{Namespace: "ns", Name: "web"}).ready.Load() {
			t.Fatalf("round %d: still ready without endpoints", round)
		}
		app.wakes.Store(0)
		f.app(&Route{Namespace: "ns", Name: "web"}).lastWake.Store(0)
	}
}

// TestSourceEndpoints: a Service with a selector is ready by its
// EndpointSlices, an ExternalName one is dialed.
func TestSourceEndpoints(t *testing.T) {
	src, w, _ := newTestSource(t, nil, true)
	add := func(idx interface{ Add(any) error }, objs ...runtime.Object) {
		for _, o := range objs {
			if err := idx.Add(o); err != nil {
				t.Fatal(err)
			}
		}
	}
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: "ns", Name: name} }
	add(w.Services.GetIndexer(),
		&corev1.Service{ObjectMeta: meta("web"), Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"}}},
		&corev1.Service{ObjectMeta: meta("ext"), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "localhost"}},
		&corev1.Service{ObjectMeta: meta("manual")})
	for _, name := range []string{"web", "ext", "manual"} {
		add(w.Objects.GetIndexer(), &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name,
			Annotations: map[string]string{AnnotationService: name + ":80", AnnotationHosts: name + ".test"}}})
	}
	src.Rebuild()
	for host, want := range map[string]bool{"web.test": true, "ext.test": false, "manual.test": false} {
		if r := src.Match(host, "/"); r == nil || r.Endpoints != want {
			t.Fatalf("%s: route %+v, want Endpoints %v", host, r, want)
		}
	}
	f, tr := false, true
	slice := func(name string, ready ...*bool) *discoveryv1.EndpointSlice {
		es := &discoveryv1.EndpointSlice{ObjectMeta: meta(name), AddressType: discoveryv1.AddressTypeIPv4}
		es.Labels = map[string]string{discoveryv1.LabelServiceName: "web"}
		for _, r := range ready {
			es.Endpoints = append(es.Endpoints, discoveryv1.Endpoint{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: r}})
		}
		return es
	}
	steps := []struct {
		name  string
		slice *discoveryv1.EndpointSlice
		want  bool
	}{
		{"no slice", nil, false},
		{"no ready endpoint", slice("web-a", &f), false},
		{"a ready endpoint in another slice", slice("web-b", &tr), true},
	}
	for _, s := range steps {
		if s.slice != nil {
			add(w.EndpointSlices.GetIndexer(), s.slice)
		}
		if got := src.ServiceReady("ns", "web"); got != s.want {
			t.Fatalf("%s: ready %v, want %v", s.name, got, s.want)
		}
	}
	if src.ServiceReady("ns", "other") || src.ServiceReady("elsewhere", "web") {
		t.Fatal("ready without slices of that Service")
	}
	// Unknown readiness counts as ready, as the API says.
	add(w.EndpointSlices.GetIndexer(), &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "u",
		Labels: map[string]string{discoveryv1.LabelServiceName: "unknown"}}, Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.2"}}}})
	if !src.ServiceReady("ns", "unknown") {
		t.Fatal("an endpoint of unknown readiness is not ready")
	}
}

// TestEndpointReadyButNotForwarding: a ready endpoint the Service does not
// forward to yet (kube-proxy lagging) does not release the requests: the
// front dials until the backend accepts.
func TestEndpointReadyButNotForwarding(t *testing.T) {
	app := &testApp{t: t, handler: echo()}
	app.onWake.Store(true) // the backend listens only after the wake
	eps := &fakeEndpoints{}
	eps.ready.Store(true)
	f, err := New(Config{
		Routes: NewTable([]*Route{{Namespace: "ns", Name: "web", Service: "web", Port: 80, PathPrefix: "/", Backend: "app.test:80", Endpoints: true}}),
		Waker:  app, Endpoints: eps, DialContext: app.dial, WakeTimeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.sliceRecheck = time.Hour
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	resp, err := http.Get(srv.URL + "/b")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(b) != "hello /b" {
		t.Fatalf("%s %q, want 200", resp.Status, b)
	}
}

// TestSourceEndpointEvents: changes to a Service's EndpointSlices, as a
// running informer delivers them, reach OnEndpoints with the Service.
func TestSourceEndpointEvents(t *testing.T) {
	client := kubefake.NewClientset()
	src, _, kf := newTestSource(t, client, true)
	events := make(chan string, 16)
	src.OnEndpoints(func(ns, service string) { events <- ns + "/" + service })
	ctx, cancel := context.WithCancel(context.Background())
	kf.Start(ctx.Done())
	t.Cleanup(func() { cancel(); kf.Shutdown() })
	kf.WaitForCacheSync(ctx.Done())
	ready := true
	es := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "ns", Name: "web-x", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}
	slices := client.DiscoveryV1().EndpointSlices("ns")
	steps := []struct {
		name      string
		do        func() error
		wantReady bool
	}{
		{"created", func() error { _, err := slices.Create(ctx, es, metav1.CreateOptions{}); return err }, true},
		{"not ready", func() error {
			ready = false
			_, err := slices.Update(ctx, es, metav1.UpdateOptions{})
			return err
		}, false},
		{"deleted", func() error { return slices.Delete(ctx, es.Name, metav1.DeleteOptions{}) }, false},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		select {
		case got := <-events:
			if got != "ns/web" {
				t.Fatalf("%s: event for %s, want ns/web", s.name, got)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: no event within 30s", s.name)
		}
		if got := src.ServiceReady("ns", "web"); got != s.wantReady {
			t.Fatalf("%s: ready %v, want %v", s.name, got, s.wantReady)
		}
	}
}
