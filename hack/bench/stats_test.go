package main

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestRounds(t *testing.T) {
	got, err := rounds(3, "round", func(i int) (time.Duration, error) { return time.Duration(i) * time.Second, nil })
	if want := []time.Duration{0, time.Second, 2 * time.Second}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("rounds = %v, %v; want %v", got, err, want)
	}
	boom := errors.New("boom")
	calls := 0
	_, err = rounds(3, "round", func(i int) (time.Duration, error) {
		calls++
		if i == 1 {
			return 0, boom
		}
		return time.Second, nil
	})
	if !errors.Is(err, boom) || err.Error() != "round 1: boom" || calls != 2 {
		t.Fatalf("rounds with a failing round 1 = %v after %d calls; want \"round 1: boom\" after 2", err, calls)
	}
}
