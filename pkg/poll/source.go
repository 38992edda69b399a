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
	reconf    chan struct{} // signalled when interval changes
	firstPoll chan struct{} // closed after the first poll

	// guarded by Engine.mu
	subs         map[*object]int
	cancel       func()
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
		reconf:    make(chan struct{}, 1),
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

// runSource polls s on a fixed grid: a jittered first poll, then every
// interval after the previous scheduled poll; slots missed while a poll ran
// are skipped. An interval change moves the next poll without polling.
func (e *Engine) runSource(ctx context.Context, s *source) {
	defer e.wg.Done()
	start := e.clock.Now()
	iv := s.period()
	next := start.Add(clampJitter(e.opts.Jitter(iv), iv))
	var last time.Time // scheduled time of the last poll
	timer := e.clock.NewTimer(next.Sub(start))
	defer timer.Stop()
	for {
		now := e.clock.Now()
		if !next.After(now) {
			e.pollOnce(ctx, s)
			if ctx.Err() != nil {
				return
			}
			last, iv = next, s.period()
			next = last.Add(iv)
			for now = e.clock.Now(); !next.After(now); {
				next = next.Add(iv)
			}
			continue
		}
		resetTimer(timer, next.Sub(now))
		select {
		case <-ctx.Done():
			return
		case <-timer.C():
		case <-s.reconf:
			iv = s.period()
			if last.IsZero() {
				next = minTime(next, start.Add(iv))
			} else {
				next = last.Add(iv)
			}
		}
	}
}

// pollOnce polls s once within a concurrency slot and the poll timeout and
// records the outcome unless ctx was cancelled meanwhile.
func (e *Engine) pollOnce(ctx context.Context, s *source) {
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return
	}
	pctx, cancel := context.WithTimeout(ctx, e.opts.PollTimeout)
	begin := e.clock.Now()
	v, a, err := poll(pctx, s.poller)
	took := e.clock.Since(begin)
	timedOut := errors.Is(pctx.Err(), context.DeadlineExceeded)
	cancel()
	<-e.sem
	if ctx.Err() != nil {
		return
	}
	if err != nil && timedOut {
		err = fmt.Errorf("poll timed out after %s: %w", e.opts.PollTimeout, err)
	}
	e.record(s, v, a, err, took)
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
