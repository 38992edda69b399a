package app

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestMetrics(t *testing.T) {
	own := []metricset.Family{
		{Name: "sluice_activator_reconciles_total", Type: dto.MetricType_COUNTER, Labels: []string{"result"}},
		{Name: "sluice_activator_reconcile_duration_seconds", Type: dto.MetricType_HISTOGRAM},
		{Name: "workqueue_depth", Type: dto.MetricType_GAUGE, Labels: []string{"name"}},
		{Name: "go_goroutines", Type: dto.MetricType_GAUGE},
	}
	paused := metricset.Family{Name: "keda_scaled_object_paused", Type: dto.MetricType_GAUGE, Labels: []string{"namespace", "scaledObject"}}
	programtest.KEDACompatibleMetrics(t, func(on bool) ([]metricset.Family, error) {
		o := NewOptions()
		o.KEDACompatibleMetrics = on
		return Metrics(o)
	}, own, paused)
}
