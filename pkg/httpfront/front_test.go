package httpfront

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"
	"k8s.io/apimachinery/pkg/util/wait"
)

// testApp is one routed app whose backend is a real HTTP server on
// 127.0.0.1, reached through the front's dialer under the name app.test:80,
// and started only when start is called (as a pod would be).
type testApp struct {
	t       *testing.T
	addr    atomic.Pointer[string]
	wakes   atomic.Int64
	onWake  atomic.Bool // the first wake after startOnWake starts the backend
	handler http.Handler
}

func (a *testApp) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if addr != "app.test:80" {
		return nil, fmt.Errorf("unexpected backend %s", addr)
	}
	p := a.addr.Load()
	if p == nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("connection refused")}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, *p)
}

func (a *testApp) start() {
	srv := httptest.NewServer(a.handler)
	a.t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	a.addr.Store(&addr)
}

func (a *testApp) Wake(context.Context, string, string, time.Time) error {
	if a.wakes.Add(1) == 1 && a.onWake.Load() {
		go a.start()
	}
	return nil
}

// newFront returns a front routing every request to app and an HTTP
// server in front of it.
func newFront(t *testing.T, app *testApp, cfg Config) (*Front, *httptest.Server, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg.Routes = NewTable([]*Route{{Namespace: "ns", Name: "web", Service: "web", Port: 80, PathPrefix: "/", Backend: "app.test:80"}})
	cfg.Waker, cfg.DialContext, cfg.Registerer = app, app.dial, reg
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	return f, srv, reg
}

func echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello %s", r.URL.Path) })
}

func TestHeldRequestsForwardedOnWake(t *testing.T) {
	app := &testApp{t: t, handler: echo()}
	app.onWake.Store(true)
	_, srv, _ := newFront(t, app, Config{})
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			resp, err := http.Get(fmt.Sprintf("%s/r%d", srv.URL, i))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || string(b) != fmt.Sprintf("hello /r%d", i) {
				errs <- fmt.Errorf("request %d: %s %q", i, resp.Status, b)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := app.wakes.Load(); got < 1 {
		t.Fatalf("wakes = %d, want at least 1", got)
	}
}

func TestRejections(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantReason string
		wantBody   string
	}{
		{name: "wake timeout", cfg: Config{WakeTimeout: 200 * time.Millisecond}, wantReason: "wake_timeout", wantBody: "wake timeout"},
		{name: "queue full", cfg: Config{MaxHeld: 1, WakeTimeout: time.Minute}, wantReason: "queue_full", wantBody: "queue full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			app := &testApp{t: t, handler: echo()} // never started
			f, srv, reg := newFront(t, app, tt.cfg)
			ctx, cancel := context.WithCancel(context.Background())
			if tt.wantReason == "queue_full" {
				// Occupy the single slot with a request that stays held.
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/first", nil)
				go func() {
					if resp, err := http.DefaultClient.Do(req); err == nil {
						resp.Body.Close()
					}
				}()
				waitFor(t, func() bool { return f.Load("ns", "web").Concurrency == 1 })
			}
			resp, err := http.Get(srv.URL + "/x")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), tt.wantBody) {
				t.Fatalf("got %s Retry-After=%q %q, want 503 with Retry-After and %q", resp.Status, resp.Header.Get("Retry-After"), b, tt.wantBody)
			}
			if got := testutil.ToFloat64(f.metrics.rejected.WithLabelValues("ns", "web", tt.wantReason)); got != 1 {
				t.Fatalf("rejected{%s} = %v, want 1", tt.wantReason, got)
			}
			cancel()
			waitFor(t, func() bool { return f.Load("ns", "web").Concurrency == 0 })
			if n, err := testutil.GatherAndCount(reg, "sluice_http_held_requests"); err != nil || n != 1 {
				t.Fatalf("held gauge series = %d, %v", n, err)
			}
			srv.Close()
			http.DefaultClient.CloseIdleConnections()
			f.Close()
		})
	}
}

func TestBackendLostIsHeldAgain(t *testing.T) {
	app := &testApp{t: t, handler: echo()}
	app.start()
	f, srv, _ := newFront(t, app, Config{WakeTimeout: time.Minute})
	get := func() string {
		resp, err := http.Get(srv.URL + "/a")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	if got := get(); got != "200 OK hello /a" {
		t.Fatalf("warm request: %s", got)
	}
	// The app goes to zero; the next request wakes it again and is answered.
	app.addr.Store(nil)
	f.proxy.Transport.(*http.Transport).CloseIdleConnections()
	app.onWake.Store(true)
	app.wakes.Store(0)
	f.app(&Route{Namespace: "ns", Name: "web"}).lastWake.Store(0)
	if got := get(); got != "200 OK hello /a" {
		t.Fatalf("request after the backend went away: %s", got)
	}
}

func TestLoadHandler(t *testing.T) {
	release := make(chan struct{})
	app := &testApp{t: t, handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release })}
	app.start()
	f, srv, _ := newFront(t, app, Config{})
	for range 3 {
		go func() {
			if resp, err := http.Get(srv.URL); err == nil {
				resp.Body.Close()
			}
		}()
	}
	waitFor(t, func() bool { return f.Load("ns", "web").Concurrency == 3 })
	h := f.LoadHandler(func(ns, name string) bool { return ns == "ns" && name == "web" })
	tests := []struct {
		path string
		code int
	}{{"/apps/ns/web", 200}, {"/apps/ns/other", 404}, {"/apps/ns", 404}}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.code {
			t.Fatalf("%s: %d, want %d", tt.path, rec.Code, tt.code)
		}
		if tt.code == 200 {
			var l AppLoad
			if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil || l.Concurrency != 3 || l.Rate <= 0 {
				t.Fatalf("%s: %s (%v), want concurrency 3 and a rate", tt.path, rec.Body, err)
			}
		}
	}
	close(release)
	resp, err := http.Get(srv.URL + "/nowhere")
	if err == nil {
		resp.Body.Close()
	}
}

func TestUnrouted(t *testing.T) {
	f, err := New(Config{Routes: NewTable(nil), Waker: &testApp{t: t}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("code = %d, want 404", rec.Code)
	}
}

// waitFor polls cond every 5ms for up to 30s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 5*time.Millisecond, 30*time.Second, true,
		func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("condition not met within 30s: %v", err)
	}
}
