package poll

import (
	"errors"
	"math/rand/v2"
	"time"

	"k8s.io/utils/clock"
)

// Defaults for Options.
const (
	DefaultMaxConcurrentPolls  = 64
	DefaultPollTimeout         = 3 * time.Second
	DefaultStaleAfterIntervals = 3
)

// Options configure an Engine. Start from NewOptions; the zero value is not
// valid.
type Options struct {
	// MaxConcurrentPolls bounds how many Source.Poll calls run at once,
	// across all sources. A poll waiting for a slot delays that source only.
	MaxConcurrentPolls int
	// PollTimeout bounds each Source.Poll call via context.WithTimeout. A
	// poll that times out counts as a failure.
	PollTimeout time.Duration
	// StaleAfterIntervals is how many of its object's polling intervals a
	// trigger's value stays usable without a successful poll; after that it
	// counts as unknown (see TriggerState.Stale).
	StaleAfterIntervals int
	// Clock schedules polls and stamps results. Tests inject a fake clock.
	// The per-poll timeout always runs on real time.
	Clock clock.Clock
	// Jitter returns a duration in [0, max) that offsets the polls of each
	// source after its first (which is immediate), so that sources started
	// together do not poll in step. Tests inject a deterministic function.
	Jitter func(max time.Duration) time.Duration
	// KEDACompatibleMetrics also exports KEDA's series
	// (keda_scaler_metrics_value, keda_scaler_active, …, with KEDA's
	// labels) beside Sluice's own, so that KEDA's dashboards and alerts
	// keep working.
	KEDACompatibleMetrics bool
}

// NewOptions returns Options holding the defaults: 64 concurrent polls, a 3s
// poll timeout, staleness after 3 intervals, the real clock, uniform
// random jitter and KEDA-compatible metrics.
func NewOptions() Options {
	return Options{
		MaxConcurrentPolls:    DefaultMaxConcurrentPolls,
		PollTimeout:           DefaultPollTimeout,
		StaleAfterIntervals:   DefaultStaleAfterIntervals,
		Clock:                 clock.RealClock{},
		Jitter:                UniformJitter,
		KEDACompatibleMetrics: true,
	}
}

// UniformJitter returns a uniformly random duration in [0, max), or 0 when
// max is not positive.
func UniformJitter(max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(max)))
}

// Validate reports every problem with o at once; nil means o is usable.
func (o Options) Validate() []error {
	var errs []error
	if o.MaxConcurrentPolls < 1 {
		errs = append(errs, errors.New("max concurrent polls must be at least 1"))
	}
	if o.PollTimeout <= 0 {
		errs = append(errs, errors.New("poll timeout must be positive"))
	}
	if o.StaleAfterIntervals < 1 {
		errs = append(errs, errors.New("stale after intervals must be at least 1"))
	}
	if o.Clock == nil {
		errs = append(errs, errors.New("clock must be set"))
	}
	if o.Jitter == nil {
		errs = append(errs, errors.New("jitter must be set"))
	}
	return errs
}
