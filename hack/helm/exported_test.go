package helm

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"

	activator "github.com/sluice-dev/sluice/cmd/sluice-activator/app"
	adapter "github.com/sluice-dev/sluice/cmd/sluice-adapter/app"
	httpfront "github.com/sluice-dev/sluice/cmd/sluice-http/app"
	"github.com/sluice-dev/sluice/pkg/metricset"
)

// The metric types the tests name.
const (
	counter   = dto.MetricType_COUNTER
	histogram = dto.MetricType_HISTOGRAM
)

// targetLabels are the labels Prometheus adds to every series it scrapes.
func targetLabels() []string { return []string{"instance", "job"} }

// libraryMetrics are the metrics of the apiserver library that the
// adapter's /metrics serves beside its own registry
// (k8s.io/apiserver/pkg/endpoints/metrics), with their labels.
func libraryMetrics() []metricset.Family {
	request := []string{"component", "dry_run", "group", "resource", "scope", "subresource", "verb", "version"}
	return []metricset.Family{
		{Name: "apiserver_request_total", Type: counter, Labels: append(slices.Clone(request), "code")},
		{Name: "apiserver_request_duration_seconds", Type: histogram, Labels: request},
	}
}

// exportedSeries returns every series the programs export, by name, with
// the labels a query may select on: each program's families as its app
// package lists them (KEDA-compatible series on, as by default), the
// apiserver library's (libraryMetrics), and the labels Prometheus adds. A
// histogram contributes its _bucket (with le), _sum and _count series, a
// summary its _sum and _count.
func exportedSeries(t *testing.T) map[string][]string {
	t.Helper()
	fams := libraryMetrics()
	for name, list := range map[string]func() ([]metricset.Family, error){
		"sluice-adapter": func() ([]metricset.Family, error) {
			o := adapter.NewOptions()
			o.Poll.KEDACompatibleMetrics = true
			return adapter.Metrics(o)
		},
		"sluice-activator": func() ([]metricset.Family, error) {
			o := activator.NewOptions()
			o.KEDACompatibleMetrics = true
			return activator.Metrics(o)
		},
		"sluice-http": func() ([]metricset.Family, error) { return httpfront.Metrics(httpfront.NewOptions()) },
	} {
		got, err := list()
		if err != nil {
			t.Fatalf("metrics of %s: %v", name, err)
		}
		if len(got) == 0 {
			t.Fatalf("%s lists no metrics", name)
		}
		fams = append(fams, got...)
	}
	series := map[string][]string{}
	for _, f := range fams {
		labels := append(slices.Clone(f.Labels), targetLabels()...)
		for _, s := range f.Series() {
			series[s] = labels
		}
		if f.Type == histogram {
			series[f.Name+"_bucket"] = append(slices.Clone(labels), "le")
		}
	}
	return series
}
