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
	// paused is KEDA's keda_scaled_object_paused; nil unless
	// KEDACompatibleMetrics was given.
	paused *pausedMetric
}

// StatsOption changes what NewStats creates.
type StatsOption func(*Stats)

// KEDACompatibleMetrics adds KEDA's keda_scaled_object_paused{namespace,
// scaledObject}: 1 while a pause annotation stands, else 0, for every
// ScaledObject this replica reconciles.
func KEDACompatibleMetrics() StatsOption {
	return func(s *Stats) {
		s.paused = newPausedMetric()
	}
}

// NewStats creates the metrics and registers them with reg when reg is not
// nil. It panics when registration fails, which only happens when two
// Stats share one registry — a programming error.
func NewStats(reg prometheus.Registerer, opts ...StatsOption) *Stats {
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
	for _, o := range opts {
		o(s)
	}
	if reg != nil {
		reg.MustRegister(s.reconciles, s.duration, s.scales, s.objects)
		reg.MustRegister(s.queue.collectors()...)
		if s.paused != nil {
			reg.MustRegister(s.paused)
		}
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

// observePaused records whether the object is paused.
func (s *Stats) observePaused(namespace, name string, paused bool) {
	if s.paused == nil {
		return
	}
	s.paused.set(namespace, name, paused)
}

// forget drops the series of an object that is gone.
func (s *Stats) forget(namespace, name string) {
	if s.paused != nil {
		s.paused.forget(namespace, name)
	}
}
