// Package health is the plain-HTTP endpoint every program serves: /metrics,
// /healthz and /livez (the process answers) and /readyz (the program can
// do its job).
package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// shutdownTimeout bounds how long in-flight scrapes may take on shutdown.
const shutdownTimeout = 5 * time.Second

// Handler serves /metrics from g, /healthz and /livez, and /readyz: 200
// while ready returns nil, else 503 with its message.
func Handler(g prometheus.Gatherer, ready func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprintln(w, "ok") }
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/livez", ok)
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		ok(w, r)
	})
	return mux
}

// Serve serves Handler(g, ready), changed by opts, on ln until ctx is
// done, then shuts down gracefully; it returns nil after a shutdown, the
// error when serving fails.
func Serve(ctx context.Context, ln net.Listener, g prometheus.Gatherer, ready func() error, log *zap.Logger, opts ...Option) error {
	var c serveConfig
	for _, o := range opts {
		o(&c)
	}
	return ServeHandler(ctx, ln, Profiling(Handler(g, ready), c.profiling), "health and metrics", shutdownTimeout, log)
}

// ServeHandler serves h on ln until ctx is done, then shuts down, giving
// requests in flight up to grace to finish; it returns nil after a
// shutdown, the error (naming what is served) when serving fails.
func ServeHandler(ctx context.Context, ln net.Listener, h http.Handler, what string, grace time.Duration, log *zap.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	log.Info("serving "+what, zap.Stringer("address", ln.Addr()))
	select {
	case err := <-done:
		return fmt.Errorf("serve %s: %w", what, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down %s: %w", what, err)
	}
	return nil
}

// ValidAddress reports whether addr can be the endpoint's listen address
// (--metrics-bind-address in both programs): host:port with a numeric
// port, the host possibly empty (every interface).
func ValidAddress(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}
