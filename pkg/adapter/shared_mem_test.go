package adapter

import (
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/builtin"
)

// BenchmarkSharedSourceMemory reports the live heap per object of 10,000
// ScaledObjects whose metrics-api triggers name one URL, built by the
// registry and set in an engine (not running) as the controller does,
// which also keeps each object's last good triggers: one source is polled
// for all, and what each object keeps of its own build is the cost.
func BenchmarkSharedSourceMemory(b *testing.B) {
	const n = 10000
	registry, err := builtin.NewRegistry()
	if err != nil {
		b.Fatal(err)
	}
	var perObject float64
	for b.Loop() {
		perObject = cachetest.HeapPerObject(func() (any, int) {
			engine, err := poll.New(poll.NewOptions(), zap.NewNop(), nil)
			if err != nil {
				b.Fatal(err)
			}
			kept := make([][]poll.TriggerSpec, n) // the controller's lastGood
			for i := range n {
				tr, err := registry.Build(scalers.Config{Type: "metrics-api", Logger: zap.NewNop(), Metadata: map[string]string{
					"url": "http://127.0.0.1:8080/value", "valueLocation": "value", "targetValue": "5",
				}})
				if err != nil {
					b.Fatal(err)
				}
				ts := []poll.TriggerSpec{{Index: 0, Type: "metrics-api", MetricName: "s0-metric-api-value", Trigger: tr}}
				kept[i] = ts
				if err := engine.Set(poll.Key{Namespace: "bench", Name: fmt.Sprintf("so-%d", i)}, poll.ObjectSpec{PollingInterval: 30 * time.Second, Triggers: ts}); err != nil {
					b.Fatal(err)
				}
			}
			return []any{engine, kept}, n
		})
	}
	b.ReportMetric(perObject, "heapB/object")
}
