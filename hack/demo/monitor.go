package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// monitor observes twice a second, records the replica timeline and
// draws the view. The story reads its latest snapshot and adds notes.
type monitor struct {
	obs  *observer
	view *view

	mu    sync.Mutex
	start time.Time
	last  snapshot
	seen  bool // last holds an observation
	notes []string
	tl    timeline
}

// newMonitor returns a monitor whose clock starts now.
func newMonitor(obs *observer, v *view) *monitor {
	return &monitor{obs: obs, view: v, start: time.Now()}
}

// run observes until ctx ends.
func (m *monitor) run(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		s := m.obs.observe(ctx)
		if ctx.Err() != nil {
			return
		}
		m.record(s)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// record stores s, notes a change of replicas and draws.
func (m *monitor) record(s snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.elapsed()
	if s.replicas >= 0 && m.tl.started && (len(m.tl.events) == 0 || m.tl.events[len(m.tl.events)-1].replicas != s.replicas) {
		if n := len(m.tl.events); n > 0 {
			m.notes = append(m.notes, fmt.Sprintf("  %s  replicas %d → %d", clock(now), m.tl.events[n-1].replicas, s.replicas))
		}
		m.tl.events = append(m.tl.events, event{at: now, replicas: s.replicas})
	}
	m.last, m.seen = s, true
	m.view.render(now, s, m.notes)
	m.notes = m.notes[:0]
}

// elapsed is the time since the monitor started; m.mu is held.
func (m *monitor) elapsed() time.Duration { return time.Since(m.start) }

// note adds a line shown above the table with the time.
func (m *monitor) note(format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notes = append(m.notes, fmt.Sprintf("  %s  ", clock(m.elapsed()))+fmt.Sprintf(format, args...))
}

// startTimeline starts recording replica changes from the latest
// observation, the one the story just waited for.
func (m *monitor) startTimeline() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tl = timeline{started: true, firstEnqueue: -1}
	if m.seen {
		m.tl.events = []event{{at: m.elapsed(), replicas: m.last.replicas}}
	}
}

// markEnqueue records the first enqueue.
func (m *monitor) markEnqueue() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tl.firstEnqueue < 0 {
		m.tl.firstEnqueue = m.elapsed()
	}
}

// timeline returns a copy of the recorded timeline.
func (m *monitor) timeline() timeline {
	m.mu.Lock()
	defer m.mu.Unlock()
	tl := m.tl
	tl.events = append([]event(nil), m.tl.events...)
	return tl
}

// latest returns the last snapshot and whether there is one.
func (m *monitor) latest() (snapshot, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last, m.seen
}

// waitFor waits until cond holds for an observation made after the call,
// or fails after timeout saying what it expected.
func (m *monitor) waitFor(ctx context.Context, timeout time.Duration, expect string, cond func(snapshot) bool) error {
	deadline := time.Now().Add(timeout)
	m.mu.Lock()
	m.seen = false
	m.mu.Unlock()
	for {
		if s, ok := m.latest(); ok && cond(s) {
			return nil
		}
		if time.Now().After(deadline) {
			s, _ := m.latest()
			return fmt.Errorf("timed out after %s waiting for %s; last seen: queue %s, metric %s, HPA desired %s, replicas %s, active %s, ready %s %s",
				timeout, expect, num(s.queue), s.metric, num(s.hpaDesired), num(s.replicas), s.active, s.ready, s.problemText)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
