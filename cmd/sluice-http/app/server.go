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
)

// shutdownTimeout bounds how long held and in-flight requests may take on
// shutdown.
const shutdownTimeout = 30 * time.Second

// handler serves /metrics from reg, /healthz and /livez (the process
// answers), /readyz (ready() is true: the informer caches synced) and the
// load endpoint under /apps/.
func handler(reg *prometheus.Registry, ready func() bool, load http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/apps/", load)
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

// serve serves h on ln until ctx is done or serving fails; a nil return
// means a clean shutdown.
func serve(ctx context.Context, ln net.Listener, h http.Handler, name string, log *zap.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("serving", zap.String("listener", name), zap.String("address", ln.Addr().String()))
	select {
	case err := <-done:
		return fmt.Errorf("serve %s: %w", name, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down %s: %w", name, err)
	}
	return nil
}
