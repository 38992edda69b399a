//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// httpApp returns the ScaledObject of an HTTP app routed by the front:
// scale to zero, the front's concurrency as its metric (target 2 per
// replica), a 5s cooldown and no HPA downscale stabilization.
func httpApp(ns, name string, fr *front, host string, port int) *v1alpha1.ScaledObject {
	so := metricsAPIObject(ns, name, fr.loadURL(ns, name), func(so *v1alpha1.ScaledObject) {
		so.Annotations = routeAnnotations(name, host, port)
		so.Spec.Triggers[0].Metadata["valueLocation"] = "concurrency"
		so.Spec.Triggers[0].Metadata["targetValue"] = "2"
		so.Spec.CooldownPeriod = ptr.To[int32](5)
		so.Spec.MinReplicaCount = ptr.To[int32](0)
		so.Spec.MaxReplicaCount = ptr.To[int32](5)
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](0)}},
		}}
	})
	return so
}

// TestHTTPScaleFromZero follows an HTTP app through the whole story with
// the real HPA controller: 100 concurrent first requests at zero are held
// and all answered once the app is up; held load drives 1 → n; with no
// requests it goes back to 0 after the cooldown; and a request after that
// wakes it again.
func TestHTTPScaleFromZero(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	release := make(chan struct{})
	pod := newFakePod(t, ns, "web", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		fmt.Fprintf(w, "web %s", r.URL.Path)
	}))
	startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	fr := startFront(t, ns, "--touch-interval=1s", "--wake-timeout=3m")
	createHTTPApp(t, ns, "web", pod)
	so, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, httpApp(ns, "web", fr, "web.example.com", pod.port()), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	replicas := func() int32 { return deploymentReplicas(t, ns, "web") }
	eventually(t, phase, "the front routes the app and the HPA exists", func() error {
		resp, err := http.Get(fr.loadURL(ns, so.Name))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("load endpoint: %s", resp.Status)
		}
		_, err = cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-web", metav1.GetOptions{})
		return err
	})
	holdReplicas(t, 2*time.Second, "idle at 0", 0, ns, "web")
	c := &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	t.Cleanup(c.CloseIdleConnections)

	// 0 → 1: none of 100 concurrent first requests is lost.
	stamped := watchWakeStamp(t, ns, "web")
	start := time.Now()
	res := getAll(t, c, fr.proxy, "web.example.com", 100, func(i int) string { return fmt.Sprintf("/first/%d", i) })
	for i, r := range res {
		if want := fmt.Sprintf("web /first/%d", i); r.code != http.StatusOK || r.body != want {
			t.Fatalf("request %d: %d %q, want 200 %q", i, r.code, r.body, want)
		}
	}
	logColdStart(t, pod, start, <-stamped, res)
	if got := replicas(); got < 1 {
		t.Fatalf("replicas = %d after the first requests, want at least 1", got)
	}

	// 1 → n: ten requests in flight at a target of 2 per replica.
	slow := make(chan []result, 1)
	go func() {
		slow <- getAll(t, c, fr.proxy, "web.example.com", 10, func(int) string { return "/slow" })
	}()
	waitReplicas(t, phase, "the HPA scales to max on held load", 5, replicas)
	close(release)
	for _, r := range <-slow {
		if r.code != http.StatusOK {
			t.Fatalf("slow request: %d %q", r.code, r.body)
		}
	}

	// n → 0: no requests, back to zero after the cooldown.
	waitReplicas(t, 2*phase, "back to 0 with no requests", 0, replicas)
	eventually(t, phase, "the pod stops", func() error {
		if up, _, _ := pod.running(); up {
			return fmt.Errorf("still running")
		}
		return nil
	})

	// 0 → 1 again: the front learns the backend went away and holds again.
	res = getAll(t, c, fr.proxy, "web.example.com", 1, func(int) string { return "/again" })
	if res[0].code != http.StatusOK || res[0].body != "web /again" {
		t.Fatalf("request after scale to zero: %d %q", res[0].code, res[0].body)
	}
	if n, err := fr.metric("sluice_http_rejected_requests_total"); err != nil || n != 0 {
		t.Fatalf("rejected requests = %v (%v), want 0", n, err)
	}
}

// logColdStart reports the parts of the first-request latency: wake
// (request to the Deployment's replicas above 0: the front's stamp, the
// activator's reaction and /scale), readiness (replicas to the backend
// listening) and forwarding (listening to the first answer). When a watch
// saw the stamp is logged too; the activator's watch sees it about then.
func logColdStart(t *testing.T, pod *fakePod, start, stamped time.Time, res []result) {
	t.Helper()
	first := res[0].at
	for _, r := range res {
		if r.at.Before(first) {
			first = r.at
		}
	}
	_, scaleAt, upAt := pod.running()
	t.Logf("cold start: first answer after %v (wake %v, readiness %v, forwarding %v; stamp seen by a watch after %v); last of 100 after %v",
		first.Sub(start), scaleAt.Sub(start), upAt.Sub(scaleAt), first.Sub(upAt), stamped.Sub(start), lastOf(res).Sub(start))
}

// watchWakeStamp returns a channel that receives the time a watch first
// sees the wake stamp on the ScaledObject ns/name.
func watchWakeStamp(t *testing.T, ns, name string) <-chan time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*phase)
	w, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	out := make(chan time.Time, 1)
	go func() {
		defer cancel()
		defer w.Stop()
		for ev := range w.ResultChan() {
			if so, ok := ev.Object.(*v1alpha1.ScaledObject); ok && so.Annotations[v1alpha1.AnnotationHTTPWake] != "" {
				out <- time.Now()
				return
			}
		}
		out <- time.Time{}
	}()
	return out
}

func lastOf(res []result) time.Time {
	var last time.Time
	for _, r := range res {
		if r.at.After(last) {
			last = r.at
		}
	}
	return last
}

// TestHTTPNeverReady holds requests for an app that never becomes ready:
// after the wake timeout each gets 503 with Retry-After and the reason,
// and the front holds nothing and runs no more goroutines than before.
func TestHTTPNeverReady(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	pod := newFakePod(t, ns, "nowhere", nil) // its Deployment is never scaled: nothing listens
	fr := startFront(t, ns, "--wake-timeout=2s")
	createHTTPApp(t, ns, "broken", pod)
	_, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, httpApp(ns, "broken", fr, "broken.example.com", pod.port()), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, phase, "the front routes the app", func() error {
		resp, err := http.Get(fr.loadURL(ns, "broken"))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("load endpoint: %s", resp.Status)
		}
		return nil
	})
	before, err := fr.metric("go_goroutines")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	c := &http.Client{Timeout: time.Minute, Transport: tr}
	for i, r := range getAll(t, c, fr.proxy, "broken.example.com", 20, func(int) string { return "/" }) {
		if r.code != http.StatusServiceUnavailable || r.retry == "" || !strings.Contains(r.body, "wake timeout") {
			t.Fatalf("request %d: %d Retry-After=%q %q, want 503 with Retry-After and the reason", i, r.code, r.retry, r.body)
		}
	}
	tr.CloseIdleConnections()
	if n, err := fr.metric("sluice_http_rejected_requests_total"); err != nil || n != 20 {
		t.Fatalf("rejected requests = %v (%v), want 20", n, err)
	}
	eventually(t, phase, "nothing held and no goroutine left behind", func() error {
		held, err := fr.metric("sluice_http_held_requests")
		if err != nil {
			return err
		}
		now, err := fr.metric("go_goroutines")
		if err != nil {
			return err
		}
		if held != 0 || now > before {
			return fmt.Errorf("held %v, goroutines %v (were %v)", held, now, before)
		}
		return nil
	})
	so, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Get(ctx, "broken", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := so.Annotations[v1alpha1.AnnotationHTTPWake]; !ok {
		t.Fatalf("annotations %v: the front did not ask for a wake", so.Annotations)
	}
	checkDashboardHTTPSeries(t, fr, ns, "broken")

	// The app's route goes away: its state and series go with it.
	if err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Delete(ctx, "broken", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, phase, "the deleted app's series gone", func() error {
		n, err := fr.series("sluice_http_held_requests", ns, "broken")
		if err != nil {
			return err
		}
		if n != 0 {
			return fmt.Errorf("%d series of sluice_http_held_requests for %s/broken", n, ns)
		}
		return nil
	})
}

// checkDashboardHTTPSeries checks that the front exports every sluice_http_
// series the Grafana dashboard queries, for the app ns/name where the
// series is per app.
func checkDashboardHTTPSeries(t *testing.T, fr *front, ns, name string) {
	t.Helper()
	var checked int
	for _, m := range dashboardMetricNames(t, "../deploy/grafana/sluice-dashboard.json") {
		if !strings.HasPrefix(m, "sluice_http_") {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_sum"), "_count")
		n, err := fr.series(base, ns, name)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("the dashboard's %s: the front exports no series for %s/%s", m, ns, name)
		}
		checked++
	}
	if checked < 4 {
		t.Fatalf("the dashboard queries %d sluice_http_ series, want at least 4", checked)
	}
}
