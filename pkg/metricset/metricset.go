// Package metricset lists the metric families a program exports, without
// running the program: the program registers its collectors on a Catalog
// (a prometheus.Registerer) the way it registers them on its /metrics
// registry, and Families reads each family's name, type and labels back
// from the collectors themselves. Tests use it to check that what
// dashboards and alerts query exists, with the labels they select on.
package metricset

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// maxLabels bounds the labels a family may have; more is a mistake.
const maxLabels = 32

// Family is one metric family: its name, its type and the names of its
// labels (variable and constant), sorted.
type Family struct {
	Name   string
	Type   dto.MetricType
	Labels []string
}

// Series are the names of the series a family exposes: its name, and for
// a histogram or summary the _sum and _count series, for a histogram the
// _bucket series too.
func (f Family) Series() []string {
	switch f.Type {
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		return []string{f.Name, f.Name + "_bucket", f.Name + "_sum", f.Name + "_count"}
	case dto.MetricType_SUMMARY:
		return []string{f.Name, f.Name + "_sum", f.Name + "_count"}
	default:
		return []string{f.Name}
	}
}

// Catalog is a prometheus.Registerer that remembers what was registered.
// Use it once: a program's metrics are registered on a fresh Catalog, then
// read with Families. The zero value is not valid: use New.
type Catalog struct {
	reg        *prometheus.Registry
	collectors []prometheus.Collector
}

var _ prometheus.Registerer = (*Catalog)(nil)

// New returns an empty Catalog.
func New() *Catalog {
	return &Catalog{reg: prometheus.NewRegistry()}
}

// Register registers c, with the checks of a prometheus.Registry.
func (c *Catalog) Register(col prometheus.Collector) error {
	if err := c.reg.Register(col); err != nil {
		return err
	}
	c.collectors = append(c.collectors, col)
	return nil
}

// MustRegister registers every collector and panics on the first error,
// as prometheus.Registry.MustRegister does.
func (c *Catalog) MustRegister(cols ...prometheus.Collector) {
	for _, col := range cols {
		if err := c.Register(col); err != nil {
			panic(err)
		}
	}
}

// Unregister unregisters col and reports whether it was registered.
func (c *Catalog) Unregister(col prometheus.Collector) bool {
	c.collectors = slices.DeleteFunc(c.collectors, func(x prometheus.Collector) bool { return x == col })
	return c.reg.Unregister(col)
}

// Families returns every registered family, sorted by name. To see the
// type and labels of a labelled family it creates one series in it
// through the collector's WithLabelValues method (as every vector of
// client_golang has); a labelled family whose collector has none is an
// error, as is a described family that collects nothing. The collectors
// are changed: the Catalog is for reading, not for serving.
func (c *Catalog) Families() ([]Family, error) {
	described := map[string]bool{}
	for _, col := range c.collectors {
		for _, d := range describe(col) {
			name, n, err := shape(d)
			if err != nil {
				return nil, err
			}
			described[name] = true
			if n == 0 {
				continue
			}
			if err := touch(col, n); err != nil {
				return nil, fmt.Errorf("family %s: %w", name, err)
			}
		}
	}
	mfs, err := c.reg.Gather()
	if err != nil {
		return nil, fmt.Errorf("gather: %w", err)
	}
	var out []Family
	for _, mf := range mfs {
		f := Family{Name: mf.GetName(), Type: mf.GetType()}
		if ms := mf.GetMetric(); len(ms) > 0 {
			for _, lp := range ms[0].GetLabel() {
				f.Labels = append(f.Labels, lp.GetName())
			}
			slices.Sort(f.Labels)
		}
		out = append(out, f)
		delete(described, f.Name)
	}
	for name := range described {
		return nil, fmt.Errorf("family %s is described but collects no series", name)
	}
	return out, nil
}

// describe returns the descriptors col describes.
func describe(col prometheus.Collector) []*prometheus.Desc {
	ch := make(chan *prometheus.Desc)
	go func() {
		col.Describe(ch)
		close(ch)
	}()
	var out []*prometheus.Desc
	for d := range ch {
		out = append(out, d)
	}
	return out
}

// shape returns d's name and how many variable labels it has, found by
// building constant metrics from it with 0, 1, … label values until the
// count fits (Desc exposes neither).
func shape(d *prometheus.Desc) (name string, labels int, err error) {
	if err := d.Err(); err != nil {
		return "", 0, fmt.Errorf("invalid descriptor %s: %w", d, err)
	}
	for n := 0; n <= maxLabels; n++ {
		m, err := prometheus.NewConstMetric(d, prometheus.UntypedValue, 0, make([]string, n)...)
		if err != nil {
			continue
		}
		reg := prometheus.NewRegistry()
		if err := reg.Register(constCollector{d: d, m: m}); err != nil {
			return "", 0, fmt.Errorf("descriptor %s: %w", d, err)
		}
		mfs, err := reg.Gather()
		if err != nil || len(mfs) != 1 {
			return "", 0, fmt.Errorf("descriptor %s: gather: %w", d, err)
		}
		return mfs[0].GetName(), n, nil
	}
	return "", 0, fmt.Errorf("descriptor %s: more than %d labels", d, maxLabels)
}

// constCollector collects one metric of one descriptor.
type constCollector struct {
	d *prometheus.Desc
	m prometheus.Metric
}

func (c constCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.d }
func (c constCollector) Collect(ch chan<- prometheus.Metric) { ch <- c.m }

// touch creates one series of n labels in col through its WithLabelValues
// method.
func touch(col prometheus.Collector, n int) error {
	m := reflect.ValueOf(col).MethodByName("WithLabelValues")
	if !m.IsValid() || !m.Type().IsVariadic() || m.Type().NumIn() != 1 || m.Type().In(0) != reflect.TypeFor[[]string]() {
		return fmt.Errorf("collector %T has labels but no WithLabelValues(...string)", col)
	}
	values := make([]reflect.Value, n)
	for i := range values {
		values[i] = reflect.ValueOf("x")
	}
	m.Call(values)
	return nil
}

// Find returns the family called name in fams.
func Find(fams []Family, name string) (Family, bool) {
	for _, f := range fams {
		if f.Name == name {
			return f, true
		}
	}
	return Family{}, false
}

// Diff returns what differs between fams and what a test expects: each
// family of want missing from fams or found with another type or other
// labels, and each name of absent found in fams. Empty when all is as
// expected.
func Diff(fams, want []Family, absent []string) []string {
	var out []string
	for _, w := range want {
		got, ok := Find(fams, w.Name)
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s is not exported", w.Name))
		case got.Type != w.Type || !slices.Equal(got.Labels, w.Labels):
			out = append(out, fmt.Sprintf("%s is a %v with labels %v, want a %v with labels %v", w.Name, got.Type, got.Labels, w.Type, w.Labels))
		}
	}
	for _, name := range absent {
		if _, ok := Find(fams, name); ok {
			out = append(out, fmt.Sprintf("%s is exported", name))
		}
	}
	return out
}
