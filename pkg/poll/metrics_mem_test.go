package poll

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

// BenchmarkTriggerSeriesMemory reports the live heap that one trigger's
// Prometheus series hold (Sluice's, and KEDA's beside them), over 10,000
// triggers of 10,000 objects that each polled once without error.
func BenchmarkTriggerSeriesMemory(b *testing.B) {
	const n = 10000
	for _, keda := range []bool{false, true} {
		b.Run(map[bool]string{false: "sluice-only", true: "with-keda"}[keda], func(b *testing.B) {
			var perTrigger float64
			for b.Loop() {
				perTrigger = cachetest.HeapPerObject(func() (any, int) {
					m, err := newMetrics(prometheus.NewRegistry(), keda)
					if err != nil {
						b.Fatal(err)
					}
					tms := make([]triggerMetrics, n)
					for i := range tms {
						tms[i] = m.forTrigger(labelSet{"bench", fmt.Sprintf("so-%d", i), "metrics-api", "s0-metric-api-value", 0, ""})
						tms[i].observe(3, nil, true, time.Millisecond)
					}
					return []any{m, tms}, n
				})
			}
			b.ReportMetric(perTrigger, "heapB/trigger")
		})
	}
}
