package app

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	fams, err := Metrics(NewOptions())
	if err != nil {
		t.Fatal(err)
	}
	tests := []metricset.Family{
		{Name: "sluice_http_held_requests", Type: dto.MetricType_GAUGE, Labels: []string{"namespace", "scaledObject"}},
		{Name: "sluice_http_hold_duration_seconds", Type: dto.MetricType_HISTOGRAM, Labels: []string{"namespace", "scaledObject"}},
		{Name: "sluice_http_rejected_requests_total", Type: dto.MetricType_COUNTER, Labels: []string{"namespace", "reason", "scaledObject"}},
		{Name: "sluice_http_unrouted_requests_total", Type: dto.MetricType_COUNTER},
		{Name: "process_cpu_seconds_total", Type: dto.MetricType_COUNTER},
	}
	for _, want := range tests {
		t.Run(want.Name, func(t *testing.T) {
			got, ok := metricset.Find(fams, want.Name)
			if !ok || got.Type != want.Type || !slices.Equal(got.Labels, want.Labels) {
				t.Errorf("family %+v (found %v), want %+v", got, ok, want)
			}
		})
	}
}
