package poll

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names are a contract with dashboards and alerts.
const (
	metricValue     = "sluice_scaler_metrics_value"
	metricActive    = "sluice_scaler_active"
	metricErrors    = "sluice_scaler_errors_total"
	metricDuration  = "sluice_scaler_poll_duration_seconds"
	metricSources   = "sluice_poll_sources"
	metricScaledObj = "sluice_scaledobjects"
)

// triggerLabels label every per-trigger series; "trigger" is the trigger
// type, "metric" the full metric name.
var triggerLabels = []string{"namespace", "scaledObject", "trigger", "metric"}

type metrics struct {
	value    *leanVec
	active   *leanVec
	errors   *leanVec
	duration *leanVec
	sources  prometheus.Gauge
	objects  prometheus.Gauge
	// keda are KEDA's series; nil unless KEDA-compatible metrics are on.
	keda *kedaMetrics
}

// labelSet identifies one trigger's series; index and triggerName only
// appear in KEDA's.
type labelSet struct {
	namespace, name, typ, metric string
	index                        int
	triggerName                  string
}

func newLabelSet(key Key, ts TriggerSpec) labelSet {
	return labelSet{key.Namespace, key.Name, ts.Type, ts.MetricName, ts.Index, ts.Name}
}

func (l labelSet) values() []string { return []string{l.namespace, l.name, l.typ, l.metric} }

// triggerMetrics are one trigger's series, resolved once at Set time.
type triggerMetrics struct {
	value, active *leanChild
	errors        *leanChild
	duration      *leanChild
	keda          kedaTrigger
}

func newMetrics(reg prometheus.Registerer, keda bool) (*metrics, error) {
	m := &metrics{
		value:  newLeanVec(metricValue, "Last value polled for a trigger's source.", prometheus.GaugeValue, triggerLabels),
		active: newLeanVec(metricActive, "1 when the trigger's last value exceeds its activation target, else 0.", prometheus.GaugeValue, triggerLabels),
		errors: newLeanVec(metricErrors, "Failed polls of a trigger's source.", prometheus.CounterValue, triggerLabels),
		duration: newLeanHistogramVec(metricDuration,
			"Duration of polls of a trigger's source; a shared poll is observed once per trigger using it.",
			prometheus.DefBuckets, triggerLabels),
		sources: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricSources, Help: "Distinct sources polled after de-duplication.",
		}),
		objects: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: metricScaledObj, Help: "ScaledObjects known to the poll engine.",
		}),
	}
	if keda {
		m.keda = newKEDAMetrics()
	}
	if reg == nil {
		return m, nil
	}
	if m.keda != nil {
		if err := m.keda.register(reg); err != nil {
			return nil, err
		}
	}
	for _, c := range []prometheus.Collector{m.value, m.active, m.errors, m.duration, m.sources, m.objects} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register poll metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) forTrigger(l labelSet) triggerMetrics {
	v := ownLabels(l.values()) // a new slice
	return triggerMetrics{
		value:    m.value.withLabels(v),
		active:   m.active.withLabels(v),
		errors:   m.errors.withLabels(v),
		duration: m.duration.withLabels(v),
		keda:     m.keda.forTrigger(l),
	}
}

// delete drops l's series unless a label set in keep still uses them:
// Sluice's labels leave out the trigger's index and name, so a renamed
// trigger keeps its Sluice series and only its KEDA series change.
func (m *metrics) delete(l labelSet, keep map[labelSet]bool) {
	if keep[l] {
		return
	}
	m.keda.deleteTrigger(l)
	for k := range keep {
		if k.namespace == l.namespace && k.name == l.name && k.typ == l.typ && k.metric == l.metric {
			return
		}
	}
	deleteSeries(l.values(), m.value, m.active, m.errors, m.duration)
}

// observe records one poll outcome for a trigger.
func (t triggerMetrics) observe(v float64, err error, active bool, took time.Duration) {
	t.duration.Observe(took.Seconds())
	t.keda.observe(v, err, active, took)
	if err != nil {
		t.errors.Inc()
		return
	}
	t.value.Set(v)
	t.active.Set(gaugeBool(active))
}

// gaugeBool is a boolean as a 0/1 gauge value.
func gaugeBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
