package app

import (
	"slices"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

func TestMetrics(t *testing.T) {
	tests := []struct {
		name   string
		keda   bool
		family string
		want   *metricset.Family // nil: absent
	}{
		{"own counter", false, "sluice_activator_reconciles_total",
			&metricset.Family{Name: "sluice_activator_reconciles_total", Type: dto.MetricType_COUNTER, Labels: []string{"result"}}},
		{"own histogram", false, "sluice_activator_reconcile_duration_seconds",
			&metricset.Family{Name: "sluice_activator_reconcile_duration_seconds", Type: dto.MetricType_HISTOGRAM}},
		{"workqueue", false, "workqueue_depth",
			&metricset.Family{Name: "workqueue_depth", Type: dto.MetricType_GAUGE, Labels: []string{"name"}}},
		{"go runtime", false, "go_goroutines", &metricset.Family{Name: "go_goroutines", Type: dto.MetricType_GAUGE}},
		{"KEDA's paused on", true, "keda_scaled_object_paused",
			&metricset.Family{Name: "keda_scaled_object_paused", Type: dto.MetricType_GAUGE, Labels: []string{"namespace", "scaledObject"}}},
		{"KEDA's paused off", false, "keda_scaled_object_paused", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			o.KEDACompatibleMetrics = tt.keda
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
