package scalers

import "testing"

func TestMetricName(t *testing.T) {
	tests := []struct {
		name   string
		index  int
		suffix string
		want   string
	}{
		{"plain", 0, "azure-queue-jobs", "s0-azure-queue-jobs"},
		{"upper case", 2, "Kafka-Orders", "s2-kafka-orders"},
		{"KEDA's characters", 1, "metric-api-http://h:80/a.b%(c)", "s1-metric-api-http---h-80-a-b--c-"},
		{"path-unsafe characters", 0, "prometheus-a b?c#d", "s0-prometheus-a-b-c-d"},
		{"non-ASCII", 0, "queue-ä", "s0-queue--"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MetricName(tt.index, tt.suffix); got != tt.want {
				t.Errorf("MetricName(%d, %q) = %q, want %q", tt.index, tt.suffix, got, tt.want)
			}
		})
	}
}
