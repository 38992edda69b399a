package builtin

import (
	"slices"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

func TestNewRegistry(t *testing.T) {
	r, err := NewRegistry()
	if err != nil {
		t.Fatalf("NewRegistry() error = %v", err)
	}
	want := []string{"azure-blob", "azure-eventhub", "azure-queue", "azure-servicebus", "kafka", "metrics-api", "prometheus", "rabbitmq"}
	if !slices.Equal(r.Types(), want) {
		t.Fatalf("Types() = %v, want %v", r.Types(), want)
	}
	tr, err := r.Build(scalers.Config{Type: "metrics-api", Metadata: map[string]string{
		"url": "http://127.0.0.1:1/m", "valueLocation": "a.b", "targetValue": "3",
	}})
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	if got := scalers.MetricName(0, tr.MetricName); got != "s0-metric-api-a-b" {
		t.Errorf("metric name = %q, want s0-metric-api-a-b", got)
	}
}
