package poll

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestKEDAScalerName(t *testing.T) {
	tests := []struct{ name, typ, want string }{
		{"", "azure-queue", "azureQueueScaler"},
		{"", "azure-blob", "azureBlobScaler"},
		{"", "kafka", "kafkaScaler"},
		{"", "prometheus", "prometheusScaler"},
		{"", "rabbitmq", "rabbitMQScaler"},
		{"", "metrics-api", "metricsAPIScaler"},
		{"", "azure-servicebus", "azureServiceBusScaler"},
		{"", "azure-eventhub", "azureEventHubScaler"},
		{"", "redis-streams", "redisStreamsScaler"},
		{"", "a--b", "aBScaler"},
		{"orders", "rabbitmq", "orders"},
	}
	for _, tt := range tests {
		if got := kedaScalerName(tt.name, tt.typ); got != tt.want {
			t.Errorf("kedaScalerName(%q, %q) = %q, want %q", tt.name, tt.typ, got, tt.want)
		}
	}
}

// TestKEDAMetrics polls a good and a failing trigger of one object and
// reads the KEDA series back in the text format, with KEDA's names and
// labels; deleting the object removes them.
func TestKEDAMetrics(t *testing.T) {
	h := start(t, nil)
	good, bad := &fakeSource{value: 7}, &fakeSource{err: errBoom}
	k := Key{"ns", "so"}
	named := trigger("b", bad, 1, 0)
	named.Name = "orders"
	must(t, h.e.Set(k, spec(10*time.Second, trigger("a", good, 0, 3), named)))
	eventually(t, "first polls", func() bool { return good.calls.Load() == 1 && bad.calls.Load() == 1 })
	h.settle(t)

	want := `
# HELP keda_scaled_object_errors_total KEDA-compatible: failed polls of any trigger of a ScaledObject.
# TYPE keda_scaled_object_errors_total counter
keda_scaled_object_errors_total{namespace="ns",scaledObject="so"} 1
# HELP keda_scaler_active KEDA-compatible: 1 when the trigger is active, else 0.
# TYPE keda_scaler_active gauge
keda_scaler_active{metric="s0-fake-a",namespace="ns",scaledObject="so",scaler="fakeScaler",triggerIndex="0",type="scaledobject"} 1
keda_scaler_active{metric="s1-fake-b",namespace="ns",scaledObject="so",scaler="orders",triggerIndex="1",type="scaledobject"} 0
# HELP keda_scaler_detail_errors_total KEDA-compatible: failed polls of a trigger's source.
# TYPE keda_scaler_detail_errors_total counter
keda_scaler_detail_errors_total{metric="s0-fake-a",namespace="ns",scaledObject="so",scaler="fakeScaler",triggerIndex="0",type="scaledobject"} 0
keda_scaler_detail_errors_total{metric="s1-fake-b",namespace="ns",scaledObject="so",scaler="orders",triggerIndex="1",type="scaledobject"} 1
# HELP keda_scaler_errors_total KEDA-compatible (2.14–2.15): failed polls of every trigger.
# TYPE keda_scaler_errors_total counter
keda_scaler_errors_total 1
# HELP keda_scaler_metrics_value KEDA-compatible: the last value polled for a trigger, as the HPA reads it.
# TYPE keda_scaler_metrics_value gauge
keda_scaler_metrics_value{metric="s0-fake-a",namespace="ns",scaledObject="so",scaler="fakeScaler",triggerIndex="0",type="scaledobject"} 7
keda_scaler_metrics_value{metric="s1-fake-b",namespace="ns",scaledObject="so",scaler="orders",triggerIndex="1",type="scaledobject"} 0
`
	names := []string{"keda_scaled_object_errors_total", "keda_scaler_active", "keda_scaler_detail_errors_total",
		"keda_scaler_errors_total", "keda_scaler_metrics_value"}
	if err := testutil.GatherAndCompare(h.reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	// Series exist from Set on, at 0, as Sluice's own and KEDA's error
	// counters do. A failed poll has a latency too.
	if n := countSeries(t, h, "keda_scaler_metrics_latency_seconds"); n != 2 {
		t.Errorf("latency series = %d, want 2", n)
	}

	h.e.Delete(k)
	for _, name := range append(names, "keda_scaler_metrics_latency_seconds") {
		n := countSeries(t, h, name)
		if name == "keda_scaler_errors_total" {
			n-- // the unlabelled total stays
		}
		if n != 0 {
			t.Errorf("%s: %d series left after Delete", name, n)
		}
	}
}

func TestKEDAMetricsOff(t *testing.T) {
	h := start(t, func(o *Options) { o.KEDACompatibleMetrics = false })
	src := &fakeSource{value: 7}
	must(t, h.e.Set(Key{"ns", "so"}, spec(10*time.Second, trigger("a", src, 0, 3))))
	eventually(t, "first poll", calls(1, src))
	h.settle(t)
	mfs, err := h.reg.Gather()
	must(t, err)
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "keda_") {
			t.Errorf("%s exported with KEDA-compatible metrics off", mf.GetName())
		}
	}
	if n := countSeries(t, h, "sluice_scaler_metrics_value"); n != 1 {
		t.Errorf("sluice_scaler_metrics_value series = %d, want 1", n)
	}
}

// BenchmarkObserve is the per-trigger cost of recording one poll outcome,
// the hot path of every poll, with and without KEDA's series.
func BenchmarkObserve(b *testing.B) {
	for _, keda := range []bool{false, true} {
		b.Run(map[bool]string{false: "sluice-only", true: "with-keda"}[keda], func(b *testing.B) {
			m, err := newMetrics(nil, keda)
			if err != nil {
				b.Fatal(err)
			}
			tm := m.forTrigger(labelSet{"ns", "so", "rabbitmq", "s0-rabbitmq-orders", 0, "orders"})
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				var err error
				if i%10 == 0 {
					err = errBoom
				}
				tm.observe(float64(i), err, i%2 == 0, time.Millisecond)
			}
		})
	}
}

// TestKEDAMetricsTriggerRenamed: renaming a trigger moves its KEDA series
// to the new scaler label and keeps its Sluice series, which the new name
// shares, alive and updated.
func TestKEDAMetricsTriggerRenamed(t *testing.T) {
	h := start(t, nil)
	src := &fakeSource{value: 7}
	k := Key{"ns", "so"}
	tr := trigger("a", src, 0, 3)
	tr.Name = "before"
	must(t, h.e.Set(k, spec(10*time.Second, tr)))
	eventually(t, "first poll", calls(1, src))
	tr.Name = "after"
	must(t, h.e.Set(k, spec(10*time.Second, tr)))
	src.set(9, nil)
	h.settle(t)
	h.step(t, 10*time.Second)
	eventually(t, "second poll", calls(2, src))
	h.settle(t)

	if got := testutil.ToFloat64(h.e.metrics.value.WithLabelValues("ns", "so", "fake", "s0-fake-a")); got != 9 {
		t.Errorf("sluice_scaler_metrics_value = %v, want 9 (the renamed trigger's series must stay exported)", got)
	}
	want := `
# HELP keda_scaler_metrics_value KEDA-compatible: the last value polled for a trigger, as the HPA reads it.
# TYPE keda_scaler_metrics_value gauge
keda_scaler_metrics_value{metric="s0-fake-a",namespace="ns",scaledObject="so",scaler="after",triggerIndex="0",type="scaledobject"} 9
`
	if err := testutil.GatherAndCompare(h.reg, strings.NewReader(want), "keda_scaler_metrics_value"); err != nil {
		t.Error(err)
	}
	if n := countSeries(t, h, "sluice_scaler_metrics_value"); n != 1 {
		t.Errorf("sluice_scaler_metrics_value series = %d, want 1", n)
	}
}
