package app

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	trigger := []string{"metric", "namespace", "scaledObject", "trigger"}
	own := []metricset.Family{
		{Name: "sluice_scaler_metrics_value", Type: dto.MetricType_GAUGE, Labels: trigger},
		{Name: "sluice_scaler_poll_duration_seconds", Type: dto.MetricType_HISTOGRAM, Labels: trigger},
		{Name: "sluice_adapter_serving_certificate_expiry_timestamp_seconds", Type: dto.MetricType_GAUGE},
	}
	keda := metricset.Family{Name: "keda_scaler_metrics_value", Type: dto.MetricType_GAUGE,
		Labels: []string{"metric", "namespace", "scaledObject", "scaler", "triggerIndex", "type"}}
	tests := []struct {
		name   string
		keda   bool
		want   []metricset.Family
		absent []string
	}{
		{"KEDA's series on", true, append(own, keda), nil},
		{"KEDA's series off", false, own, []string{keda.Name}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			o.Poll.KEDACompatibleMetrics = tt.keda
			fams, err := Metrics(o)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range metricset.Diff(fams, tt.want, tt.absent) {
				t.Error(d)
			}
		})
	}
}
