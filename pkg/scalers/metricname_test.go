package scalers

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

func TestMetricName(t *testing.T) {
	tests := []struct {
		name   string
		index  int
		suffix string
		want   string
	}{
		{"plain", 0, "azure-queue-jobs", "s0-azure-queue-jobs"},
		{"case and underscore kept, as KEDA", 2, "kafka-Orders_EU", "s2-kafka-Orders_EU"},
		{"queue with underscore", 0, "azure-queue-sample_queue", "s0-azure-queue-sample_queue"},
		{"KEDA's characters", 1, "metric-api-http://h:80/a.b%(c)", "s1-metric-api-http---h-80-a-b--c-"},
		{"other characters kept, as KEDA", 0, "metric-api-a b?c#d", "s0-metric-api-a b?c#d"},
		{"GJSON query kept", 0, `metric-api-items.#(name=="x").v`, `s0-metric-api-items-#-name=="x"--v`},
		{"non-ASCII kept", 0, "queue-ä", "s0-queue-ä"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MetricName(tt.index, tt.suffix)
			if got != tt.want {
				t.Errorf("MetricName(%d, %q) = %q, want %q", tt.index, tt.suffix, got, tt.want)
			}
			if msgs := content.IsPathSegmentName(got); len(msgs) != 0 {
				t.Errorf("MetricName(%d, %q) = %q is not a valid metric name: %v", tt.index, tt.suffix, got, msgs)
			}
		})
	}
}

// FuzzMetricName checks that every name is one the external metrics API
// accepts: kube-apiserver validates an HPA's external metric name, and
// client-go the resource of a request, with content.IsPathSegmentName.
func FuzzMetricName(f *testing.F) {
	f.Add(0, "kafka-Orders_EU")
	f.Add(3, "..")
	f.Add(1, "/%2F%")
	f.Fuzz(func(t *testing.T, index int, suffix string) {
		if index < 0 {
			index = -index
		}
		got := MetricName(index, suffix)
		if msgs := content.IsPathSegmentName(got); len(msgs) != 0 {
			t.Fatalf("MetricName(%d, %q) = %q: %v", index, suffix, got, msgs)
		}
	})
}

func BenchmarkMetricName(b *testing.B) {
	for b.Loop() {
		_ = MetricName(3, "metric-api-components.worker:tasks/queued(%)")
	}
}
