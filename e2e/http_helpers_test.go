//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/httpfront"
)

// front is a sluice-http process watching one namespace.
type front struct {
	proxy, metrics string // host:port
}

// startFront runs sluice-http against the shared control plane and stops
// it in t.Cleanup.
func startFront(t *testing.T, ns string, extraArgs ...string) *front {
	t.Helper()
	args := append([]string{
		"--kubeconfig=" + cluster.Kubeconfig,
		"--watch-namespace=" + ns,
		"--proxy-bind-address=127.0.0.1:0",
		"--log-level=debug",
	}, extraArgs...)
	_, addrs := startProgram(t, t.TempDir(), "sluice-http", args, boundaddrs.Proxy)
	return &front{proxy: addrs[boundaddrs.Proxy].String(), metrics: addrs[boundaddrs.Metrics].String()}
}

// loadURL is the front's load endpoint for the ScaledObject ns/name.
func (f *front) loadURL(ns, name string) string {
	return fmt.Sprintf("http://%s/apps/%s/%s", f.metrics, ns, name)
}

// metric returns the sum of the samples of the metric name the front
// exports.
func (f *front) metric(name string) (float64, error) {
	_, fams, err := scrapeAddr(context.Background(), f.metrics)
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, m := range fams[name].GetMetric() {
		sum += m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	return sum, nil
}

// series returns how many series of the metric name the front exports
// for the ScaledObject ns/name; a metric without those labels counts
// all its series.
func (f *front) series(name, ns, so string) (int, error) {
	_, fams, err := scrapeAddr(context.Background(), f.metrics)
	if err != nil {
		return 0, err
	}
	var n int
	for _, m := range fams[name].GetMetric() {
		labels := labelsOf(m)
		_, perApp := labels["scaledObject"]
		if !perApp || (labels["namespace"] == ns && labels["scaledObject"] == so) {
			n++
		}
	}
	return n, nil
}

// fakePod plays the pods of a Deployment: an HTTP server on its own
// loopback address, listening while the Deployment's replicas are above 0
// and closed at 0, as a Service backend would come and go.
type fakePod struct {
	addr    string // ip:port, fixed for the test
	handler http.Handler

	mu      sync.Mutex
	srv     *http.Server
	scaleAt time.Time // when replicas were first seen above 0 in this run
	upAt    time.Time // when the server started listening
}

// newFakePod picks a loopback address of its own (127.x.y.z, port chosen
// by the kernel) for the test and follows the Deployment ns/name until the
// test ends.
func newFakePod(t *testing.T, ns, name string, h http.Handler) *fakePod {
	t.Helper()
	ip := fmt.Sprintf("127.%d.%d.%d", 1+rand.IntN(250), rand.IntN(250), 2+rand.IntN(250))
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePod{addr: ln.Addr().String(), handler: h}
	_ = ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.follow(ctx, ns, name)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		p.stop()
	})
	return p
}

// follow polls the Deployment's replicas every 20ms and starts or stops
// the server to match.
func (p *fakePod) follow(ctx context.Context, ns, name string) {
	wait.NonSlidingUntilWithContext(ctx, func(ctx context.Context) {
		d, err := cluster.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil || d.Spec.Replicas == nil {
			return
		}
		if *d.Spec.Replicas > 0 {
			p.start()
		} else {
			p.stop()
		}
	}, 20*time.Millisecond)
}

// start listens on the pod's address (retrying while the address is still
// taken) unless the server already runs.
func (p *fakePod) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		return
	}
	if p.scaleAt.IsZero() {
		p.scaleAt = time.Now()
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return // the next tick tries again
	}
	p.srv = &http.Server{Handler: p.handler, ReadHeaderTimeout: 10 * time.Second}
	p.upAt = time.Now()
	go func(s *http.Server) { _ = s.Serve(ln) }(p.srv)
}

// stop closes the server and every connection to it.
func (p *fakePod) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv == nil {
		return
	}
	_ = p.srv.Close()
	p.srv, p.scaleAt, p.upAt = nil, time.Time{}, time.Time{}
}

// running reports whether the server listens, and since when.
func (p *fakePod) running() (bool, time.Time, time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.srv != nil, p.scaleAt, p.upAt
}

// port is the pod's port.
func (p *fakePod) port() int {
	_, port, _ := net.SplitHostPort(p.addr)
	n, _ := strconv.Atoi(port)
	return n
}

// createHTTPApp creates the Service web (ExternalName to the pod's address:
// Endpoints may not hold loopback addresses) and a Deployment at 0.
func createHTTPApp(t *testing.T, ns, name string, pod *fakePod) {
	t.Helper()
	host, _, _ := net.SplitHostPort(pod.addr)
	_, err := cluster.Client.CoreV1().Services(ns).Create(context.Background(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: host},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	createDeployment(t, ns, name, 0)
}

// routeAnnotations routes host to the app's Service on the pod's port.
func routeAnnotations(name, host string, port int) map[string]string {
	return map[string]string{
		httpfront.AnnotationService: fmt.Sprintf("%s:%d", name, port),
		httpfront.AnnotationHosts:   host,
	}
}

// result is one answered request.
type result struct {
	code  int
	body  string
	retry string
	at    time.Time
}

// getAll sends n concurrent GETs for host to the front and returns their
// results, in order; a transport error fails the test.
func getAll(t *testing.T, c *http.Client, proxy, host string, n int, path func(i int) string) []result {
	t.Helper()
	out := make([]result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, "http://"+proxy+path(i), nil)
			if err != nil {
				errs[i] = err
				return
			}
			req.Host = host
			resp, err := c.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			out[i] = result{code: resp.StatusCode, body: strings.TrimSpace(string(b)), retry: resp.Header.Get("Retry-After"), at: time.Now()}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return out
}
