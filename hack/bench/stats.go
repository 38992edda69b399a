package main

import (
	"fmt"
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

// rounds calls measure for rounds 0 to n-1 and returns what each measured.
// It stops at the first error, which it prefixes with what and the round.
func rounds(n int, what string, measure func(i int) (time.Duration, error)) ([]time.Duration, error) {
	ds := make([]time.Duration, 0, n)
	for i := range n {
		d, err := measure(i)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", what, i, err)
		}
		ds = append(ds, d)
	}
	return ds, nil
}
