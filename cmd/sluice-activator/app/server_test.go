package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func TestHandler(t *testing.T) {
	var ready atomic.Bool
	h := handler(prometheus.NewRegistry(), ready.Load)
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

func TestServeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, "127.0.0.1:0", prometheus.NewRegistry(), func() bool { return true }, zap.NewNop())
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
