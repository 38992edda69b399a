package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
)

// shutdownTimeout bounds how long in-flight scrapes may take on shutdown.
const shutdownTimeout = 5 * time.Second

// handler serves /metrics from reg, /healthz and /livez (the process
// answers), and /readyz (ready() is true: the informer caches synced).
func handler(reg *prometheus.Registry, ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/livez", ok)
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !ready() {
			http.Error(w, "informer caches not synced", http.StatusServiceUnavailable)
			return
		}
		ok(w, r)
	})
	return mux
}

// listen binds addr and writes the bound address to boundFile (nothing
// when empty).
func listen(ctx context.Context, addr, boundFile string) (net.Listener, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if err := boundaddrs.Write(boundFile, map[string]net.Addr{boundaddrs.Metrics: ln.Addr()}); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return ln, nil
}

// serve serves on ln until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, reg *prometheus.Registry, ready func() bool, log *zap.Logger) error {
	srv := &http.Server{Handler: handler(reg, ready), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("serving metrics and health", zap.String("address", ln.Addr().String()))
	select {
	case err := <-done:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}
