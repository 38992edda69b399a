package app

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	fams, err := Metrics(NewOptions())
	if err != nil {
		t.Fatal(err)
	}
	app := []string{"namespace", "scaledObject"}
	want := []metricset.Family{
		{Name: "sluice_http_held_requests", Type: dto.MetricType_GAUGE, Labels: app},
		{Name: "sluice_http_hold_duration_seconds", Type: dto.MetricType_HISTOGRAM, Labels: app},
		{Name: "sluice_http_rejected_requests_total", Type: dto.MetricType_COUNTER, Labels: []string{"namespace", "reason", "scaledObject"}},
		{Name: "sluice_http_unrouted_requests_total", Type: dto.MetricType_COUNTER},
		{Name: "process_cpu_seconds_total", Type: dto.MetricType_COUNTER},
	}
	for _, d := range metricset.Diff(fams, want, nil) {
		t.Error(d)
	}
}
