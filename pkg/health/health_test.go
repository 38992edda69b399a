package health

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// TestHandler: the endpoints answer in process; /readyz follows ready.
func TestHandler(t *testing.T) {
	var ready atomic.Bool
	h := Handler(prometheus.NewRegistry(), func() error {
		if !ready.Load() {
			return errors.New("informer caches not synced")
		}
		return nil
	})
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	for _, p := range []string{"/healthz", "/livez", "/metrics"} {
		if code := get(p); code != http.StatusOK {
			t.Errorf("%s = %d", p, code)
		}
	}
	if code := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before sync = %d", code)
	}
	ready.Store(true)
	if code := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after sync = %d", code)
	}
}

// TestServe: the endpoints answer, /readyz follows ready, and Serve
// returns nil once ctx ends and stops serving.
func TestServe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var ready atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, l, prometheus.NewRegistry(), func() error {
			if !ready.Load() {
				return errors.New("not yet")
			}
			return nil
		}, zap.NewNop())
	}()
	base := "http://" + l.Addr().String()
	tests := []struct {
		path  string
		ready bool
		want  int
	}{
		{"/healthz", false, http.StatusOK},
		{"/livez", false, http.StatusOK},
		{"/metrics", false, http.StatusOK},
		{"/readyz", false, http.StatusServiceUnavailable},
		{"/readyz", true, http.StatusOK},
	}
	for _, tt := range tests {
		ready.Store(tt.ready)
		if got := status(t, base+tt.path); got != tt.want {
			t.Errorf("GET %s (ready %v) = %d, want %d", tt.path, tt.ready, got, tt.want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v after cancel, want nil", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Serve did not return after cancel")
	}
	if resp, err := http.Get(base + "/healthz"); err == nil {
		_ = resp.Body.Close()
		t.Error("still serving after cancel")
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// FuzzValidAddress checks that the address check never panics and only
// accepts what net.Listen can take apart: a host and a numeric port.
func FuzzValidAddress(f *testing.F) {
	for _, s := range []string{":8080", "127.0.0.1:0", "[::1]:0", "8080", ":http", ":65536", "", "[::1", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if !ValidAddress(addr) {
			return
		}
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("accepted %q: %v", addr, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			t.Fatalf("accepted %q with port %q", addr, port)
		}
	})
}
