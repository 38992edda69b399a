package poll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// source is one de-duplicated upstream with its poller. Its state is in
// two parts, each written by one stage of the flow (see doc.go): schedule
// by the scheduler, result by record. Everything but the fields before
// the first part is guarded by Engine.mu.
type source struct {
	key       string
	typ       string
	poller    scalers.Source
	firstPoll chan struct{} // closed after the first poll

	subs map[*object]int // objects using the source, with their trigger count

	schedule
	result
}

// schedule is when a source polls: the scheduler's part of its state.
type schedule struct {
	interval time.Duration // shortest pollingInterval among subscribers
	started  bool          // scheduled by startLocked
	index    int           // in the scheduler's heap, -1 when not waiting
	start    time.Time     // when scheduling began; the first poll is due then
	phase    time.Duration // offset in [0, interval) of the polls after the first
	next     time.Time     // next scheduled poll while waiting
	last     time.Time     // scheduled time of the last dispatched poll
	cancel   func()        // cancels the poll in flight, nil when none
}

// result is what the source's polls returned: record's part of its state,
// from which every trigger's state is derived (see rebuildLocked).
type result struct {
	polled       bool
	succeeded    bool
	value        float64
	activity     float64 // what activity is judged on; value unless the poller is a scalers.ActivitySource
	firstAttempt time.Time
	lastSuccess  time.Time
	failures     int
	lastErr      string
}

// store records one poll's outcome at now. It reports whether this was the
// first poll and whether the source was failing before it.
func (r *result) store(now time.Time, v, activity float64, err error) (first, wasFailing bool) {
	first, wasFailing = !r.polled, r.failures > 0
	if first {
		r.polled, r.firstAttempt = true, now
	}
	if err == nil {
		r.succeeded, r.value, r.activity, r.lastSuccess, r.failures, r.lastErr = true, v, activity, now, 0, ""
	} else {
		r.failures++
		r.lastErr = err.Error()
	}
	return first, wasFailing
}

// freshUntil is when the result turns stale: staleAfter after the last
// success, or after the first poll when none succeeded; zero before any
// poll.
func (r *result) freshUntil(staleAfter time.Duration) time.Time {
	switch {
	case !r.polled:
		return time.Time{}
	case r.succeeded:
		return r.lastSuccess.Add(staleAfter)
	}
	return r.firstAttempt.Add(staleAfter)
}

func newSource(ts TriggerSpec) *source {
	return &source{
		key:       ts.Trigger.Key,
		typ:       ts.Type,
		poller:    ts.Trigger.Source,
		firstPoll: make(chan struct{}),
		subs:      make(map[*object]int),
		schedule:  schedule{index: -1},
	}
}

// period is the source's interval; a source is always retuned before it
// starts, the fallback only guards against a busy loop.
func (s *source) period() time.Duration {
	if d := s.interval; d > 0 {
		return d
	}
	return time.Duration(v1alpha1.DefaultPollingInterval) * time.Second
}

// pollJob is one poll for the worker pool.
type pollJob struct {
	ctx    context.Context // cancelled when the source stops
	src    *source
	poller scalers.Source
}

// pollResult is the outcome of one poll.
type pollResult struct {
	value, activity float64
	err             error
	took            time.Duration
}

// work runs polls until ctx is done; Run starts MaxConcurrentPolls of them,
// which bounds how many polls run at once. The deep stack of an SDK or HTTP
// call grows on one of these few workers, never on a goroutine per source.
func (e *Engine) work(ctx context.Context) {
	defer e.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-e.jobs:
			var r pollResult
			if j.ctx.Err() == nil {
				r = e.execute(j)
			}
			e.finish(j, r)
		}
	}
}

// execute polls once within the poll timeout.
func (e *Engine) execute(j pollJob) pollResult {
	pctx, cancel := context.WithTimeout(j.ctx, e.opts.PollTimeout)
	defer cancel()
	begin := e.clock.Now()
	v, a, err := poll(pctx, j.poller)
	r := pollResult{value: v, activity: a, err: err, took: e.clock.Since(begin)}
	if err != nil && errors.Is(pctx.Err(), context.DeadlineExceeded) && j.ctx.Err() == nil {
		r.err = fmt.Errorf("poll timed out after %s: %w", e.opts.PollTimeout, err)
	}
	return r
}

// poll calls the poller once and returns the value to serve and the value
// activity is judged on.
func poll(ctx context.Context, p scalers.Source) (value, activity float64, err error) {
	if as, ok := p.(scalers.ActivitySource); ok {
		return as.PollActivity(ctx)
	}
	v, err := p.Poll(ctx)
	return v, v, err
}

// record stores a poll outcome, rebuilds the snapshots of every object
// using s and reports those whose derived state changed.
func (e *Engine) record(s *source, v, activity float64, err error, took time.Duration) {
	e.mu.Lock()
	if e.sources[s.key] != s {
		e.mu.Unlock()
		return
	}
	now := e.clock.Now()
	first, wasFailing := s.store(now, v, activity, err)
	for o := range s.subs {
		if e.rebuildLocked(o, now) {
			e.notes.mark(o.key)
		}
		for _, t := range o.trigs {
			if t.src == s {
				t.m.observe(v, err, activity > t.spec.Trigger.ActivationTarget, took)
			}
		}
	}
	if first {
		close(s.firstPoll)
	}
	objects, failures := len(s.subs), s.failures
	e.mu.Unlock()

	switch {
	case err != nil && !wasFailing:
		e.log.Info("source failing", zap.String("type", s.typ), zap.Int("objects", objects), zap.Error(err))
	case err != nil:
		e.log.Debug("source still failing", zap.String("type", s.typ), zap.Int("failures", failures), zap.Error(err))
	case wasFailing:
		e.log.Info("source recovered", zap.String("type", s.typ), zap.Int("objects", objects))
	}
}

func resetTimer(t clock.Timer, d time.Duration) {
	if !t.Stop() {
		select {
		case <-t.C():
		default:
		}
	}
	t.Reset(d)
}

func clampJitter(j, iv time.Duration) time.Duration {
	if j < 0 || iv <= 0 {
		return 0
	}
	if j >= iv {
		return iv - 1
	}
	return j
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
