package activator

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Stats are the controller's Prometheus metrics.
type Stats struct {
	reconciles *prometheus.CounterVec
	duration   prometheus.Histogram
	scales     *prometheus.CounterVec
	objects    *prometheus.GaugeVec
	queue      *queueMetrics
}

// NewStats creates the metrics and registers them with reg when reg is not
// nil. It panics when registration fails, which only happens when two
// Stats share one registry — a programming error.
func NewStats(reg prometheus.Registerer) *Stats {
	s := &Stats{
		reconciles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "sluice", Subsystem: "activator", Name: "reconciles_total",
			Help: "ScaledObject reconciles by result (success or error).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "sluice", Subsystem: "activator", Name: "reconcile_duration_seconds",
			Help:    "Time one ScaledObject reconcile took.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		scales: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "sluice", Subsystem: "activator", Name: "scale_operations_total",
			Help: "Replica changes made through /scale, by direction (up, down, paused).",
		}, []string{"direction"}),
		objects: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "sluice", Subsystem: "activator", Name: "scaledobjects",
			Help: "Watched ScaledObjects by Ready condition (True, False, Unknown: not reconciled yet), refreshed every few seconds.",
		}, []string{"ready"}),
		queue: newQueueMetrics(),
	}
	if reg != nil {
		reg.MustRegister(s.reconciles, s.duration, s.scales, s.objects)
		reg.MustRegister(s.queue.collectors()...)
	}
	return s
}

// observeReconcile counts one reconcile.
func (s *Stats) observeReconcile(err error, d time.Duration) {
	result := "success"
	if err != nil {
		result = "error"
	}
	s.reconciles.WithLabelValues(result).Inc()
	s.duration.Observe(d.Seconds())
}

// observeScale counts one replica change.
func (s *Stats) observeScale(direction string) {
	s.scales.WithLabelValues(direction).Inc()
}

// setObjects publishes the object counts by Ready condition.
func (s *Stats) setObjects(counts map[string]int) {
	for state, n := range counts {
		s.objects.WithLabelValues(state).Set(float64(n))
	}
}
