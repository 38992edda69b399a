package httpfront

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"
)

// TestRetainDropsRemovedApps: when routes go away, their apps' state and
// metric series are dropped, their held requests get 503 with the reason,
// no goroutine stays behind, and a request that still matched the old
// table does not bring the state back.
func TestRetainDropsRemovedApps(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the backend's cleanup
	const n = 20
	backend := &testApp{t: t, handler: echo()} // not started: every app is at zero
	var routes []*Route
	keep := map[string]bool{}
	for i := range n {
		r := &Route{Namespace: "ns", Name: fmt.Sprintf("app%d", i), Service: "web", Port: 80,
			Hosts: []string{fmt.Sprintf("app%d.test", i)}, PathPrefix: "/", Backend: "app.test:80"}
		routes = append(routes, r)
		if i == 0 {
			keep[r.Key()] = true
		}
	}
	reg := prometheus.NewRegistry()
	f, err := New(Config{Routes: NewTable(routes), Waker: backend, DialContext: backend.dial, Registerer: reg, WakeTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	client := &http.Client{Transport: &http.Transport{}}

	type answer struct {
		app    int
		status int
		body   string
		retry  string
	}
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
			req.Host = fmt.Sprintf("app%d.test", i)
			resp, err := client.Do(req)
			if err != nil {
				t.Errorf("app%d: %v", i, err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers <- answer{i, resp.StatusCode, string(b), resp.Header.Get("Retry-After")}
		})
	}
	heldTotal := func() int64 {
		var s int64
		for i := range n {
			s += f.Load("ns", fmt.Sprintf("app%d", i)).Concurrency
		}
		return s
	}
	waitFor(t, func() bool { return heldTotal() == n })
	if got := f.Apps(); got != n {
		t.Fatalf("apps = %d, want %d", got, n)
	}

	f.Retain(keep)
	for range n - 1 {
		a := <-answers
		if a.app == 0 || a.status != http.StatusServiceUnavailable || a.retry == "" || !strings.Contains(a.body, "route removed") {
			t.Errorf("app%d: %d Retry-After=%q %q, want 503 with Retry-After and the reason", a.app, a.status, a.retry, a.body)
		}
	}
	if got := f.Apps(); got != 1 {
		t.Fatalf("apps after Retain = %d, want 1", got)
	}
	for _, name := range []string{"sluice_http_held_requests", "sluice_http_hold_duration_seconds", "sluice_http_wakes_total"} {
		if c, err := testutil.GatherAndCount(reg, name); err != nil || c > 1 {
			t.Errorf("%s: %d series (%v), want at most the kept app's", name, c, err)
		}
	}
	// The table still routes app1 (a source retains before it publishes):
	// the request is refused and leaves no state.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
	req.Host = "app1.test"
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || f.Apps() != 1 {
		t.Fatalf("stale route: %s with %d apps, want 503 and 1", resp.Status, f.Apps())
	}

	// The kept app still wakes and answers.
	backend.start()
	if a := <-answers; a.app != 0 || a.status != http.StatusOK {
		t.Fatalf("kept app: %+v, want app0 200", a)
	}
	wg.Wait()
	srv.Close()
	client.CloseIdleConnections()
	f.proxy.Transport.(*http.Transport).CloseIdleConnections()
	f.Close()
}

// TestRetainIsBounded: routing many apps one after another, each removed
// before the next, keeps the state at one app.
func TestRetainIsBounded(t *testing.T) {
	backend := &testApp{t: t, handler: echo()}
	backend.start()
	router := &swapRouter{}
	f, err := New(Config{Routes: router, Waker: backend, DialContext: backend.dial})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := range 200 {
		r := &Route{Namespace: "ns", Name: fmt.Sprintf("app%d", i), PathPrefix: "/", Backend: "app.test:80"}
		f.Retain(map[string]bool{r.Key(): true})
		router.set(NewTable([]*Route{r}))
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("app%d: %d %s", i, rec.Code, rec.Body)
		}
		if got := f.Apps(); got != 1 {
			t.Fatalf("after app%d: %d apps, want 1", i, got)
		}
	}
}

// swapRouter is a Router whose table the test replaces.
type swapRouter struct {
	mu sync.Mutex
	t  *Table
}

func (s *swapRouter) set(t *Table) { s.mu.Lock(); s.t = t; s.mu.Unlock() }

func (s *swapRouter) Match(host, path string) *Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.Match(host, path)
}
