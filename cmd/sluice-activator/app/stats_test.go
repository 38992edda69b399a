package app

import (
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	own := []metricset.Family{
		{Name: "sluice_activator_reconciles_total", Type: dto.MetricType_COUNTER, Labels: []string{"result"}},
		{Name: "sluice_activator_reconcile_duration_seconds", Type: dto.MetricType_HISTOGRAM},
		{Name: "workqueue_depth", Type: dto.MetricType_GAUGE, Labels: []string{"name"}},
		{Name: "go_goroutines", Type: dto.MetricType_GAUGE},
	}
	paused := metricset.Family{Name: "keda_scaled_object_paused", Type: dto.MetricType_GAUGE, Labels: []string{"namespace", "scaledObject"}}
	tests := []struct {
		name   string
		keda   bool
		want   []metricset.Family
		absent []string
	}{
		{"KEDA's series on", true, append(own, paused), nil},
		{"KEDA's series off", false, own, []string{paused.Name}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			o.KEDACompatibleMetrics = tt.keda
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
