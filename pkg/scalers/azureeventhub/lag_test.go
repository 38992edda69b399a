package azureeventhub

import (
	"math"
	"testing"
)

func TestUnprocessed(t *testing.T) {
	none := checkpoint{}
	at := func(n int64) checkpoint { return checkpoint{Found: true, SequenceNumber: n} }
	tests := []struct {
		name string
		p    partition
		cp   checkpoint
		want int64
	}{
		{"empty partition never written", partition{Begin: 0, Last: -1, Empty: true}, none, 0},
		{"empty partition after retention", partition{Begin: 10, Last: 9, Empty: true}, at(9), 0},
		{"empty flag wins", partition{Begin: 0, Last: 5, Empty: true}, none, 0},
		{"no checkpoint, one event", partition{Begin: 0, Last: 0}, none, 1},
		{"no checkpoint, many events", partition{Begin: 0, Last: 99}, none, 100},
		{"no checkpoint, one event retained after expiry", partition{Begin: 7, Last: 7}, none, 1}, // KEDA: 0
		{"no checkpoint, some expired", partition{Begin: 40, Last: 99}, none, 60},
		{"checkpoint caught up", partition{Begin: 0, Last: 99}, at(99), 0},
		{"checkpoint behind", partition{Begin: 0, Last: 99}, at(89), 10},
		{"checkpoint before the first event", partition{Begin: 0, Last: 9}, at(-1), 10},
		{"checkpoint behind expired events", partition{Begin: 50, Last: 99}, at(9), 50}, // KEDA: 90
		{"checkpoint at the last expired event", partition{Begin: 50, Last: 99}, at(49), 50},
		{"checkpoint slightly ahead: stale read", partition{Begin: 0, Last: 99}, at(105), 0},
		{"checkpoint ahead of a reset partition", partition{Begin: 0, Last: 9}, at(500000), 10}, // KEDA: ~MaxInt64
		{"checkpoint ahead of a reset empty partition", partition{Begin: 0, Last: -1, Empty: true}, at(500000), 0},
		{"huge sequence numbers", partition{Begin: 0, Last: math.MaxInt64}, at(math.MaxInt64 - 3), 3},
		{"huge partition without checkpoint", partition{Begin: 0, Last: math.MaxInt64 - 1}, none, math.MaxInt64},
		{"whole int64 range", partition{Begin: 0, Last: math.MaxInt64}, none, math.MaxInt64},
		{"negative begin", partition{Begin: -5, Last: 3}, none, 4},
		{"garbage checkpoint", partition{Begin: 0, Last: 9}, at(math.MinInt64), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unprocessed(tt.p, tt.cp, 10000); got != tt.want {
				t.Fatalf("unprocessed(%+v, %+v) = %d, want %d", tt.p, tt.cp, got, tt.want)
			}
		})
	}
}

func TestSumAndCap(t *testing.T) {
	many := make([]int64, 32)
	for i := range many {
		many[i] = int64(i)
	}
	tests := []struct {
		name       string
		lags       []int64
		partitions int
		threshold  int64
		wantSum    int64
		wantCapped int64
	}{
		{"none", nil, 0, 64, 0, 0},
		{"one partition below", []int64{10}, 1, 64, 10, 10},
		{"many partitions", many, 32, 64, 496, 496},
		{"cap at partitions times threshold", []int64{100, 100, 100, 100}, 4, 64, 400, 256},
		{"just above the cap", []int64{64, 64, 63}, 2, 64, 191, 128}, // KEDA: 191 (3 replicas for 2 partitions)
		{"exactly the cap", []int64{64, 64}, 2, 64, 128, 128},
		{"overflow saturates", []int64{math.MaxInt64, 20}, 2, 64, math.MaxInt64, 128},
		{"cap overflow", []int64{math.MaxInt64}, 4, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{"negative ignored", []int64{-5, 5}, 2, 64, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sum(tt.lags)
			if s != tt.wantSum {
				t.Fatalf("sum = %d, want %d", s, tt.wantSum)
			}
			if c := capped(s, tt.partitions, tt.threshold); c != tt.wantCapped {
				t.Fatalf("capped = %d, want %d", c, tt.wantCapped)
			}
		})
	}
}
