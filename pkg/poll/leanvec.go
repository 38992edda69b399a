package poll

import (
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// leanVec is a labelled metric family with one small child per label
// values, for the per-trigger series: a client_golang vector child keeps
// its labels as protobuf label pairs and (for a histogram) hot and cold
// bucket arrays with native-histogram state, several hundred bytes to over
// a kilobyte per series, while a leanVec child holds its label values and
// its numbers only. The exposition is the same: the family is collected as
// constant metrics of the same name, help, type and labels.
type leanVec struct {
	desc    *prometheus.Desc
	typ     prometheus.ValueType // GaugeValue or CounterValue; unused for histograms
	buckets []float64            // upper bounds, sorted; nil unless a histogram

	mu       sync.RWMutex
	children map[string]*leanChild
}

// leanChild is one series of a leanVec.
type leanChild struct {
	vec    *leanVec
	labels []string
	bits   atomic.Uint64 // the gauge or counter value, as float64 bits
	hist   *leanHist     // nil unless a histogram
}

// leanHist is one histogram series' numbers.
type leanHist struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative
	count  uint64
	sum    float64
}

func newLeanVec(name, help string, typ prometheus.ValueType, labels []string) *leanVec {
	return &leanVec{desc: prometheus.NewDesc(name, help, labels, nil), typ: typ, children: map[string]*leanChild{}}
}

func newLeanHistogramVec(name, help string, buckets []float64, labels []string) *leanVec {
	v := newLeanVec(name, help, prometheus.UntypedValue, labels)
	v.buckets = append([]float64(nil), buckets...)
	sort.Float64s(v.buckets)
	return v
}

func labelKey(values []string) string { return strings.Join(values, "\xff") }

// WithLabelValues returns the child for values, creating it at zero.
func (v *leanVec) WithLabelValues(values ...string) *leanChild {
	return v.withLabels(sharedLabels(values))
}

// labels are one series' label values and their map key, made once and
// shared by the sibling families of a trigger (its value, activity, errors
// and durations carry the same labels): one slice and one key string
// instead of one each per family, about 40% of a trigger's series.
type labels struct {
	key    string
	values []string
}

// sharedLabels copies values, so that the caller may reuse its slice.
func sharedLabels(values []string) labels { return ownLabels(append([]string(nil), values...)) }

// ownLabels takes values over: the caller must not modify them afterwards.
func ownLabels(values []string) labels { return labels{key: labelKey(values), values: values} }

// withLabels returns the child for l, creating it at zero with l's slice,
// which must not be modified afterwards.
func (v *leanVec) withLabels(l labels) *leanChild {
	k := l.key
	v.mu.RLock()
	c := v.children[k]
	v.mu.RUnlock()
	if c != nil {
		return c
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.children[k]; c != nil {
		return c
	}
	c = &leanChild{vec: v, labels: l.values}
	if v.buckets != nil {
		c.hist = &leanHist{counts: make([]uint64, len(v.buckets))}
	}
	v.children[k] = c
	return c
}

// DeleteLabelValues drops the child for values, if any.
func (v *leanVec) DeleteLabelValues(values ...string) {
	v.mu.Lock()
	delete(v.children, labelKey(values))
	v.mu.Unlock()
}

// deleteSeries drops the series labelled values from every one of vecs.
func deleteSeries(values []string, vecs ...*leanVec) {
	for _, v := range vecs {
		v.DeleteLabelValues(values...)
	}
}

// Describe implements prometheus.Collector.
func (v *leanVec) Describe(ch chan<- *prometheus.Desc) { ch <- v.desc }

// Collect implements prometheus.Collector.
func (v *leanVec) Collect(ch chan<- prometheus.Metric) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	for _, c := range v.children {
		c.Collect(ch)
	}
}

// Set sets a gauge.
func (c *leanChild) Set(f float64) { c.bits.Store(math.Float64bits(f)) }

// Inc adds one to a counter.
func (c *leanChild) Inc() {
	for {
		old := c.bits.Load()
		if c.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+1)) {
			return
		}
	}
}

// Observe records one observation in a histogram.
func (c *leanChild) Observe(f float64) {
	h := c.hist
	i := sort.SearchFloat64s(c.vec.buckets, f) // first bound >= f: "le" is inclusive
	h.mu.Lock()
	if i < len(h.counts) {
		h.counts[i]++
	}
	h.count++
	h.sum += f
	h.mu.Unlock()
}

// Describe implements prometheus.Collector, so that a single series can
// be read on its own (testutil.ToFloat64).
func (c *leanChild) Describe(ch chan<- *prometheus.Desc) { ch <- c.vec.desc }

// Collect implements prometheus.Collector.
func (c *leanChild) Collect(ch chan<- prometheus.Metric) {
	var m prometheus.Metric
	var err error
	if c.hist == nil {
		m, err = prometheus.NewConstMetric(c.vec.desc, c.vec.typ, math.Float64frombits(c.bits.Load()), c.labels...)
	} else {
		m, err = c.hist.metric(c.vec, c.labels)
	}
	if err == nil { // label values that are not UTF-8 cannot be exposed; skip, never panic
		ch <- m
	}
}

// metric returns the histogram's constant metric.
func (h *leanHist) metric(v *leanVec, labels []string) (prometheus.Metric, error) {
	cum := make(map[float64]uint64, len(h.counts))
	h.mu.Lock()
	var n uint64
	for i, b := range v.buckets {
		n += h.counts[i]
		cum[b] = n
	}
	count, sum := h.count, h.sum
	h.mu.Unlock()
	return prometheus.NewConstHistogram(v.desc, count, sum, cum, labels...)
}
