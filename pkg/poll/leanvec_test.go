package poll

import (
	"bytes"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
)

// TestLeanVecExposition feeds a leanVec and client_golang's own vector
// the same operations and compares the text exposition: what a scrape
// reads is unchanged by the lean children.
func TestLeanVecExposition(t *testing.T) {
	labels := []string{"namespace", "scaledObject"}
	tests := []struct {
		name string
		lean *leanVec
		std  prometheus.Collector
		ops  func(lean *leanVec, std prometheus.Collector)
	}{
		{"gauge", newLeanVec("g", "a gauge", prometheus.GaugeValue, labels),
			prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "g", Help: "a gauge"}, labels),
			func(l *leanVec, s prometheus.Collector) {
				for i, v := range []float64{3, -1.5, 7} {
					ns := []string{"a", "b", "a"}[i]
					l.WithLabelValues(ns, "so").Set(v)
					s.(*prometheus.GaugeVec).WithLabelValues(ns, "so").Set(v)
				}
				l.WithLabelValues("gone", "so").Set(1)
				l.DeleteLabelValues("gone", "so")
			}},
		{"counter", newLeanVec("c_total", "a counter", prometheus.CounterValue, labels),
			prometheus.NewCounterVec(prometheus.CounterOpts{Name: "c_total", Help: "a counter"}, labels),
			func(l *leanVec, s prometheus.Collector) {
				for range 3 {
					l.WithLabelValues("a", "so").Inc()
					s.(*prometheus.CounterVec).WithLabelValues("a", "so").Inc()
				}
				l.WithLabelValues("zero", "so")
				s.(*prometheus.CounterVec).WithLabelValues("zero", "so")
			}},
		{"histogram", newLeanHistogramVec("h_seconds", "a histogram", prometheus.DefBuckets, labels),
			prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "h_seconds", Help: "a histogram", Buckets: prometheus.DefBuckets}, labels),
			func(l *leanVec, s prometheus.Collector) {
				for _, v := range []float64{0, 0.005, 0.0051, 0.3, 2.5, 9, 11, 1e6} {
					l.WithLabelValues("a", "so").Observe(v)
					s.(*prometheus.HistogramVec).WithLabelValues("a", "so").Observe(v)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.ops(tc.lean, tc.std)
			if got, want := expose(t, tc.lean), expose(t, tc.std); got != want {
				t.Errorf("lean exposition:\n%s\nclient_golang's:\n%s", got, want)
			}
		})
	}
	c := newLeanVec("c_total", "a counter", prometheus.CounterValue, labels).WithLabelValues("a", "b")
	c.Inc()
	if got := testutil.ToFloat64(c); got != 1 {
		t.Errorf("one child reads %v, want 1", got)
	}
}

// TestLeanVecSkipsInvalidLabels: a label value that is not UTF-8 is left
// out of the scrape instead of panicking.
func TestLeanVecSkipsInvalidLabels(t *testing.T) {
	v := newLeanVec("g", "a gauge", prometheus.GaugeValue, []string{"namespace"})
	v.WithLabelValues("\xff").Set(1)
	v.WithLabelValues("ok").Set(2)
	if n := testutil.CollectAndCount(v); n != 1 {
		t.Errorf("collected %d series, want the valid one", n)
	}
}

func expose(t *testing.T, c prometheus.Collector) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
