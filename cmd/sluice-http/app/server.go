package app

import (
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pkg/health"
)

// shutdownTimeout bounds how long held and in-flight requests may take on
// shutdown.
const shutdownTimeout = 30 * time.Second

// handler serves the health endpoint of every program (/metrics from reg,
// /healthz, /livez, and /readyz while ready() is true: the informer caches
// synced) and the load endpoint under /apps/.
func handler(reg *prometheus.Registry, ready func() bool, load http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/apps/", load)
	mux.Handle("/", health.Handler(reg, func() error {
		if !ready() {
			return errors.New("informer caches not synced")
		}
		return nil
	}))
	return mux
}
