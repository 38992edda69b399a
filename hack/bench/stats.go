package main

import (
	"math"
	"slices"
	"time"
)

// summary describes a set of latencies.
type summary struct {
	Count              int
	P50, P90, P99, Max time.Duration
}

// summarize sorts ds in place and returns its percentiles (nearest rank).
func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(ds)))) - 1
		return ds[max(i, 0)]
	}
	return summary{Count: len(ds), P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), Max: ds[len(ds)-1]}
}
