package poll

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// source is one de-duplicated upstream with its poller. The fields after
// the marker are guarded by Engine.mu.
type source struct {
	key       string
	typ       string
	poller    scalers.Source
	interval  atomic.Int64  // nanoseconds; shortest among subscribers
	firstPoll chan struct{} // closed after the first poll

	// guarded by Engine.mu
	subs         map[*object]int
	started      bool          // scheduled by startLocked
	index        int           // in the scheduler's heap, -1 when not waiting
	start        time.Time     // when scheduling began; the first poll is due then
	phase        time.Duration // offset in [0, interval) of the polls after the first
	next         time.Time     // next scheduled poll while waiting
	last         time.Time     // scheduled time of the last dispatched poll
	cancel       func()        // cancels the poll in flight, nil when none
	polled       bool
	succeeded    bool
	value        float64
	activity     float64 // what activity is judged on; value unless the poller is a scalers.ActivitySource
	firstAttempt time.Time
	lastSuccess  time.Time
	failures     int
	lastErr      string
}

func newSource(ts TriggerSpec) *source {
	return &source{
		key:       ts.Trigger.Key,
		typ:       ts.Type,
		poller:    ts.Trigger.Source,
		index:     -1,
		firstPoll: make(chan struct{}),
		subs:      make(map[*object]int),
	}
}

// period is the source's interval; a source is always retuned before it
// starts, the fallback only guards against a busy loop.
func (s *source) period() time.Duration {
	if d := time.Duration(s.interval.Load()); d > 0 {
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
	first := !s.polled
	if first {
		s.polled, s.firstAttempt = true, now
	}
	wasFailing := s.failures > 0
	if err == nil {
		s.succeeded, s.value, s.activity, s.lastSuccess, s.failures, s.lastErr = true, v, activity, now, 0, ""
	} else {
		s.failures++
		s.lastErr = err.Error()
	}
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
