package adapter

import (
	"strconv"
	"testing"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// BenchmarkLastGoodMemory reports the live heap the controller's memory of
// each object's last good triggers costs per object, for 10,000 objects of
// one trigger each (the triggers themselves are shared with the engine and
// not counted).
func BenchmarkLastGoodMemory(b *testing.B) {
	const n = 10000
	trigger := &scalers.Trigger{}
	keys := make([]poll.Key, n)
	for i := range keys {
		keys[i] = poll.Key{Namespace: "bench", Name: "so-" + strconv.Itoa(i)}
	}
	var perObject float64
	for b.Loop() {
		perObject = cachetest.HeapPerObject(func() (any, int) {
			c := &controller{lastGood: map[poll.Key][]poll.TriggerSpec{}}
			for _, k := range keys {
				res := resolution{spec: poll.ObjectSpec{Triggers: []poll.TriggerSpec{{Index: 0, Type: "metrics-api", MetricName: "s0-metric-api-value", Trigger: trigger}}}}
				c.keepLastGood(k, &res)
			}
			return c, n
		})
	}
	b.ReportMetric(perObject, "heapB/object")
}
