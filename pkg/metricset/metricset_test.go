package metricset

import (
	"reflect"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
)

func TestFamilies(t *testing.T) {
	c := New()
	c.MustRegister(
		prometheus.NewCounter(prometheus.CounterOpts{Name: "plain_total", Help: "h"}),
		prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "ns", Subsystem: "sub", Name: "gauge", Help: "h",
			ConstLabels: prometheus.Labels{"const": "c"}}, []string{"b", "a"}),
		prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "hist_seconds", Help: "h"}, []string{"x"}),
		prometheus.NewSummary(prometheus.SummaryOpts{Name: "sum_seconds", Help: "h"}),
	)
	got, err := c.Families()
	if err != nil {
		t.Fatal(err)
	}
	want := []Family{
		{Name: "hist_seconds", Type: dto.MetricType_HISTOGRAM, Labels: []string{"x"}},
		{Name: "ns_sub_gauge", Type: dto.MetricType_GAUGE, Labels: []string{"a", "b", "const"}},
		{Name: "plain_total", Type: dto.MetricType_COUNTER},
		{Name: "sum_seconds", Type: dto.MetricType_SUMMARY},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("families\n got %+v\nwant %+v", got, want)
	}
	if s := got[0].Series(); !slices.Equal(s, []string{"hist_seconds", "hist_seconds_bucket", "hist_seconds_sum", "hist_seconds_count"}) {
		t.Errorf("histogram series %v", s)
	}
	if s := got[2].Series(); !slices.Equal(s, []string{"plain_total"}) {
		t.Errorf("counter series %v", s)
	}
}

// labelledNoVec describes a labelled family it cannot create a series of.
type labelledNoVec struct{ d *prometheus.Desc }

func (l labelledNoVec) Describe(ch chan<- *prometheus.Desc) { ch <- l.d }
func (labelledNoVec) Collect(chan<- prometheus.Metric)      {}

func TestFamiliesErrors(t *testing.T) {
	tests := []struct {
		name string
		col  prometheus.Collector
	}{
		{"labels without WithLabelValues", labelledNoVec{prometheus.NewDesc("l", "h", []string{"a"}, nil)}},
		{"described, never collected", labelledNoVec{prometheus.NewDesc("n", "h", nil, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New()
			c.MustRegister(tt.col)
			if f, err := c.Families(); err == nil {
				t.Errorf("families %v, want an error", f)
			}
		})
	}
}

func TestUnregister(t *testing.T) {
	c := New()
	g := collectors.NewGoCollector()
	c.MustRegister(g)
	if !c.Unregister(g) {
		t.Fatal("not unregistered")
	}
	if f, err := c.Families(); err != nil || len(f) != 0 {
		t.Errorf("families %v, %v after unregistering", f, err)
	}
}

func TestDiff(t *testing.T) {
	fams := []Family{
		{Name: "a", Type: dto.MetricType_GAUGE, Labels: []string{"x"}},
		{Name: "b", Type: dto.MetricType_COUNTER},
	}
	tests := []struct {
		name   string
		want   []Family
		absent []string
		diffs  int
	}{
		{"all as expected", []Family{{Name: "a", Type: dto.MetricType_GAUGE, Labels: []string{"x"}}}, []string{"c"}, 0},
		{"missing", []Family{{Name: "c", Type: dto.MetricType_GAUGE}}, nil, 1},
		{"other labels", []Family{{Name: "a", Type: dto.MetricType_GAUGE}}, nil, 1},
		{"other type", []Family{{Name: "b", Type: dto.MetricType_GAUGE}}, nil, 1},
		{"present but should not be", nil, []string{"a", "b"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := Diff(fams, tt.want, tt.absent); len(d) != tt.diffs {
				t.Errorf("Diff = %q, want %d differences", d, tt.diffs)
			}
		})
	}
}
