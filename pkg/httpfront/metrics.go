package httpfront

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the front's own Prometheus metrics.
type metrics struct {
	held        *prometheus.GaugeVec
	holdSeconds *prometheus.HistogramVec
	rejected    *prometheus.CounterVec
	wakes       *prometheus.CounterVec
	unrouted    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	app := []string{"namespace", "scaledObject"}
	m := &metrics{
		held: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sluice_http_held_requests", Help: "Requests held while their app wakes.",
		}, app),
		holdSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sluice_http_hold_duration_seconds", Help: "How long requests were held while their app woke.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 15),
		}, app),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sluice_http_rejected_requests_total", Help: "Held requests refused, by reason (queue_full, wake_timeout, canceled).",
		}, append(app, "reason")),
		wakes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sluice_http_wakes_total", Help: "Wake stamps written to ScaledObjects.",
		}, app),
		unrouted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sluice_http_unrouted_requests_total", Help: "Requests that matched no route (404).",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.held, m.holdSeconds, m.rejected, m.wakes, m.unrouted} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// appMetrics are one app's series, looked up once when its state is
// created rather than on every request.
type appMetrics struct {
	held        prometheus.Gauge
	holdSeconds prometheus.Observer
	wakes       prometheus.Counter
	rejected    map[string]prometheus.Counter // by reason
}

// rejectReasons are the reason labels of the rejected counter.
var rejectReasons = []string{reasonQueueFull, reasonWakeTimeout, reasonCanceled}

// forApp returns the series of the app of the ScaledObject ns/name.
func (m *metrics) forApp(ns, name string) appMetrics {
	am := appMetrics{
		held:        m.held.WithLabelValues(ns, name),
		holdSeconds: m.holdSeconds.WithLabelValues(ns, name),
		wakes:       m.wakes.WithLabelValues(ns, name),
		rejected:    make(map[string]prometheus.Counter, len(rejectReasons)),
	}
	for _, r := range rejectReasons {
		am.rejected[r] = m.rejected.WithLabelValues(ns, name, r)
	}
	return am
}

// deleteApp deletes every series of the app of the ScaledObject ns/name.
func (m *metrics) deleteApp(ns, name string) {
	l := prometheus.Labels{"namespace": ns, "scaledObject": name}
	m.held.DeletePartialMatch(l)
	m.holdSeconds.DeletePartialMatch(l)
	m.wakes.DeletePartialMatch(l)
	m.rejected.DeletePartialMatch(l)
}

// AppLoad is one app's load as served to the metrics-api trigger.
type AppLoad struct {
	// Concurrency is the requests in flight, held ones included.
	Concurrency int64 `json:"concurrency"`
	// Rate is the requests per second over the last 10 seconds.
	Rate float64 `json:"rate"`
}

// Load returns the load of the app of the ScaledObject ns/name; an app
// that has had no request yet has zero load.
func (f *Front) Load(ns, name string) AppLoad {
	f.appsMu.RLock()
	a := f.apps[ns+"/"+name]
	f.appsMu.RUnlock()
	if a == nil {
		return AppLoad{}
	}
	return AppLoad{Concurrency: a.inflight.Load(), Rate: a.rate.rate(time.Now())}
}

// LoadHandler serves GET /apps/<namespace>/<scaledobject> as AppLoad JSON,
// the endpoint a metrics-api trigger reads (valueLocation concurrency or
// rate). known reports whether a ScaledObject is routed; others get 404.
func (f *Front) LoadHandler(known func(ns, name string) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/apps/"), "/")
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			http.Error(w, "path must be /apps/<namespace>/<scaledobject>", http.StatusNotFound)
			return
		}
		if !known(parts[0], parts[1]) {
			http.Error(w, "no route for this ScaledObject (is the sluice.dev/http-service annotation set?)", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f.Load(parts[0], parts[1]))
	})
}
