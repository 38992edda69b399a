package app

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	trigger := []string{"metric", "namespace", "scaledObject", "trigger"}
	tests := []struct {
		name   string
		keda   bool
		family string
		want   *metricset.Family // nil: absent
	}{
		{"value", false, "sluice_scaler_metrics_value",
			&metricset.Family{Name: "sluice_scaler_metrics_value", Type: dto.MetricType_GAUGE, Labels: trigger}},
		{"poll duration", false, "sluice_scaler_poll_duration_seconds",
			&metricset.Family{Name: "sluice_scaler_poll_duration_seconds", Type: dto.MetricType_HISTOGRAM, Labels: trigger}},
		{"certificate", false, "sluice_adapter_serving_certificate_expiry_timestamp_seconds",
			&metricset.Family{Name: "sluice_adapter_serving_certificate_expiry_timestamp_seconds", Type: dto.MetricType_GAUGE}},
		{"KEDA's value on", true, "keda_scaler_metrics_value",
			&metricset.Family{Name: "keda_scaler_metrics_value", Type: dto.MetricType_GAUGE,
				Labels: []string{"metric", "namespace", "scaledObject", "scaler", "triggerIndex", "type"}}},
		{"KEDA's value off", false, "keda_scaler_metrics_value", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			o.Poll.KEDACompatibleMetrics = tt.keda
			fams, err := Metrics(o)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := metricset.Find(fams, tt.family)
			switch {
			case tt.want == nil && ok:
				t.Errorf("exports %+v", got)
			case tt.want != nil && (!ok || got.Type != tt.want.Type || !slices.Equal(got.Labels, tt.want.Labels)):
				t.Errorf("family %+v (found %v), want %+v", got, ok, *tt.want)
			}
		})
	}
}
