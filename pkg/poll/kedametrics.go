package poll

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// KEDA's metric names and labels, exported beside Sluice's own when
// Options.KEDACompatibleMetrics is set, so that KEDA's dashboards and
// alerts keep working after the switch. The names, label names and units
// follow KEDA's pkg/metricscollector (v2.16 and later, plus the unlabelled
// keda_scaler_errors_total of 2.14–2.15).
const (
	kedaMetricValue        = "keda_scaler_metrics_value"
	kedaMetricLatency      = "keda_scaler_metrics_latency_seconds"
	kedaMetricActive       = "keda_scaler_active"
	kedaMetricDetailErrors = "keda_scaler_detail_errors_total"
	kedaMetricErrors       = "keda_scaler_errors_total"
	kedaMetricObjectErrors = "keda_scaled_object_errors_total"
)

// kedaTriggerLabels are KEDA's per-trigger labels; "type" is always
// "scaledobject" here (Sluice has no ScaledJob).
var kedaTriggerLabels = []string{"namespace", "metric", "scaledObject", "scaler", "triggerIndex", "type"}

// kedaMetrics are KEDA's series; nil when they are not exported.
type kedaMetrics struct {
	value, latency, active *leanVec
	detailErrors           *leanVec
	errors                 prometheus.Counter
	objectErrors           *leanVec
}

func newKEDAMetrics() *kedaMetrics {
	return &kedaMetrics{
		value: newLeanVec(kedaMetricValue, "KEDA-compatible: the last value polled for a trigger, as the HPA reads it.",
			prometheus.GaugeValue, kedaTriggerLabels),
		latency: newLeanVec(kedaMetricLatency, "KEDA-compatible: how long the last poll of a trigger's source took, in seconds.",
			prometheus.GaugeValue, kedaTriggerLabels),
		active: newLeanVec(kedaMetricActive, "KEDA-compatible: 1 when the trigger is active, else 0.",
			prometheus.GaugeValue, kedaTriggerLabels),
		detailErrors: newLeanVec(kedaMetricDetailErrors, "KEDA-compatible: failed polls of a trigger's source.",
			prometheus.CounterValue, kedaTriggerLabels),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: kedaMetricErrors, Help: "KEDA-compatible (2.14–2.15): failed polls of every trigger.",
		}),
		objectErrors: newLeanVec(kedaMetricObjectErrors, "KEDA-compatible: failed polls of any trigger of a ScaledObject.",
			prometheus.CounterValue, []string{"namespace", "scaledObject"}),
	}
}

func (k *kedaMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{k.value, k.latency, k.active, k.detailErrors, k.errors, k.objectErrors}
}

// kedaLabels are one trigger's KEDA label values.
func (l labelSet) kedaLabels() []string {
	return []string{l.namespace, l.metric, l.name, kedaScalerName(l.triggerName, l.typ), strconv.Itoa(l.index), "scaledobject"}
}

// kedaTrigger is one trigger's KEDA series; the zero value records nothing.
type kedaTrigger struct {
	value, latency, active *leanChild
	detailErrors           *leanChild
	errors                 prometheus.Counter
	objectErrors           *leanChild
}

func (k *kedaMetrics) forTrigger(l labelSet) kedaTrigger {
	if k == nil {
		return kedaTrigger{}
	}
	v := ownLabels(l.kedaLabels()) // a new slice
	t := kedaTrigger{
		value: k.value.withLabels(v), latency: k.latency.withLabels(v),
		active: k.active.withLabels(v), detailErrors: k.detailErrors.withLabels(v),
		errors: k.errors, objectErrors: k.objectErrors.WithLabelValues(l.namespace, l.name),
	}
	return t
}

// deleteTrigger drops one trigger's series.
func (k *kedaMetrics) deleteTrigger(l labelSet) {
	if k == nil {
		return
	}
	deleteSeries(l.kedaLabels(), k.value, k.latency, k.active, k.detailErrors)
}

// deleteObject drops the object's own series once it is gone.
func (k *kedaMetrics) deleteObject(key Key) {
	if k == nil {
		return
	}
	k.objectErrors.DeleteLabelValues(key.Namespace, key.Name)
}

// observe records one poll outcome, as KEDA does: the latency always, the
// value and activity on success, the error counters on failure.
func (t kedaTrigger) observe(v float64, err error, active bool, took time.Duration) {
	if t.value == nil {
		return
	}
	t.latency.Set(took.Seconds())
	if err != nil {
		t.detailErrors.Inc()
		t.errors.Inc()
		t.objectErrors.Inc()
		return
	}
	t.value.Set(v)
	t.active.Set(gaugeBool(active))
}

// kedaScalerNames are KEDA's scaler labels for trigger types whose name
// does not follow from the type: KEDA labels a trigger without a name by
// its scaler's Go type.
var kedaScalerNames = map[string]string{
	"azure-eventhub":   "azureEventHubScaler",
	"azure-servicebus": "azureServiceBusScaler",
	"metrics-api":      "metricsAPIScaler",
	"rabbitmq":         "rabbitMQScaler",
	"postgresql":       "postgreSQLScaler",
	"mysql":            "mySQLScaler",
	"cpu":              "cpuMemoryScaler",
	"memory":           "cpuMemoryScaler",
	"nats-jetstream":   "natsJetStreamScaler",
	"mongodb":          "mongoDBScaler",
}

// kedaScalerName is KEDA's "scaler" label: the trigger's name when set,
// else the scaler type KEDA would use ("azure-queue" → "azureQueueScaler").
func kedaScalerName(name, typ string) string {
	if name != "" {
		return name
	}
	if s, ok := kedaScalerNames[typ]; ok {
		return s
	}
	var b strings.Builder
	for i, part := range strings.Split(typ, "-") {
		if i > 0 && part != "" {
			part = strings.ToUpper(part[:1]) + part[1:]
		}
		b.WriteString(part)
	}
	return b.String() + "Scaler"
}

// register adds KEDA's collectors to reg.
func (k *kedaMetrics) register(reg prometheus.Registerer) error {
	for _, c := range k.collectors() {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register keda-compatible metrics: %w", err)
		}
	}
	return nil
}
