package app

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
	"github.com/sluice-dev/sluice/pkg/program/programtest"
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
	programtest.KEDACompatibleMetrics(t, func(on bool) ([]metricset.Family, error) {
		o := NewOptions()
		o.Poll.KEDACompatibleMetrics = on
		return Metrics(o)
	}, own, keda)
}
