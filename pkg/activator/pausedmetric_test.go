package activator

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

// TestPausedMetricExposition: the lean series expose exactly what
// client_golang's gauge vector exposed for the same operations.
func TestPausedMetricExposition(t *testing.T) {
	lean := newPausedMetric()
	vec := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "keda_scaled_object_paused",
		Help: "KEDA-compatible: 1 when the ScaledObject is paused by annotation, else 0.",
	}, []string{"namespace", "scaledObject"})
	ops := []struct {
		ns, name string
		paused   bool
		forget   bool
	}{
		{"a", "x", true, false}, {"a", "y", false, false}, {"b", "x", false, false},
		{"a", "x", false, false}, {"b", "x", true, false}, {"a", "y", false, true}, {"c", "z\"q", true, false},
	}
	for _, op := range ops {
		if op.forget {
			lean.forget(op.ns, op.name)
			vec.DeleteLabelValues(op.ns, op.name)
			continue
		}
		lean.set(op.ns, op.name, op.paused)
		v := 0.0
		if op.paused {
			v = 1
		}
		vec.WithLabelValues(op.ns, op.name).Set(v)
	}
	want := gather(t, vec)
	if got := gather(t, lean); got != want {
		t.Errorf("lean exposition:\n%s\nwant:\n%s", got, want)
	}
}

// gather returns c's text exposition.
func gather(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	b, err := testutil.CollectAndFormat(c, expfmt.TypeTextPlain)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkPausedMetricMemory reports the live heap per object of
// keda_scaled_object_paused for 10,000 objects: client_golang's gauge
// vector (before) and pausedMetric (after).
func BenchmarkPausedMetricMemory(b *testing.B) {
	const n = 10000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("so-%d", i)
	}
	for _, bc := range []struct {
		name string
		set  func() (func(ns, name string), any)
	}{
		{"gaugevec", func() (func(ns, name string), any) {
			v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "p", Help: "h"}, []string{"namespace", "scaledObject"})
			return func(ns, name string) { v.WithLabelValues(ns, name).Set(0) }, v
		}},
		{"lean", func() (func(ns, name string), any) {
			m := newPausedMetric()
			return func(ns, name string) { m.set(ns, name, false) }, m
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var perObject float64
			for b.Loop() {
				perObject = cachetest.HeapPerObject(func() (any, int) {
					set, keep := bc.set()
					for _, name := range names {
						set("bench", name)
					}
					return keep, n
				})
			}
			b.ReportMetric(perObject, "heapB/object")
		})
	}
}
