package poll

import (
	"container/heap"
	"context"
	"time"

	"k8s.io/utils/clock"
)

// scheduler is the state of the one goroutine that decides when each source
// polls. Sources wait in a min-heap by their next poll time; the scheduler
// arms a single timer for the earliest and hands due polls to the worker
// pool without waiting for them. Everything here is guarded by Engine.mu.
type scheduler struct {
	due      sourceHeap    // sources waiting for their next poll
	inflight int           // polls dispatched and not yet finished
	wake     chan struct{} // signalled when the heap or inflight changed
	parked   bool          // the scheduler waits on its timer with nothing to dispatch
}

func newScheduler() scheduler {
	return scheduler{wake: make(chan struct{}, 1)}
}

// sourceHeap orders sources by next poll time; it implements heap.Interface.
type sourceHeap []*source

func (h sourceHeap) Len() int           { return len(h) }
func (h sourceHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h sourceHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *sourceHeap) Push(x any) {
	s := x.(*source)
	s.index = len(*h)
	*h = append(*h, s)
}

func (h *sourceHeap) Pop() any {
	old := *h
	n := len(old)
	s := old[n-1]
	old[n-1] = nil
	s.index = -1
	*h = old[:n-1]
	return s
}

// wakeLocked tells the scheduler to look at its heap again. e.mu is held.
func (e *Engine) wakeLocked() {
	e.sched.parked = false
	select {
	case e.sched.wake <- struct{}{}:
	default:
	}
}

// startLocked schedules the first poll of s at once when the engine is
// running and s is not scheduled yet, and draws the phase of its later
// polls. e.mu is held.
//
// A new or changed trigger gets its first value without waiting: the worker
// pool bounds how many first polls run together, so a burst (start-up,
// thousands of objects applied at once) drains at MaxConcurrentPolls at a
// time. The jitter only spreads the polls after the first over the interval,
// so that sources started together do not stay in step.
func (e *Engine) startLocked(s *source) {
	if e.runCtx == nil || e.stopped || s.started || e.runCtx.Err() != nil {
		return
	}
	s.started = true
	s.start = e.clock.Now()
	iv := s.period()
	s.phase = clampJitter(e.opts.Jitter(iv), iv)
	s.next = s.start
	heap.Push(&e.sched.due, s)
	e.wakeLocked()
}

// stopLocked stops the polls of s: it leaves the heap and a poll in flight
// is cancelled; its result will be dropped. e.mu is held.
func (e *Engine) stopLocked(s *source) {
	if s.index >= 0 {
		heap.Remove(&e.sched.due, s.index)
		e.wakeLocked()
	}
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// rescheduleLocked moves the next poll of a waiting s after its interval
// changed, without polling: before the first poll to at most one interval
// after the start (the first poll is due at once, so it stays), afterwards
// to one interval after the last scheduled poll.
// A poll in flight picks the new interval up when it finishes. e.mu is held.
func (e *Engine) rescheduleLocked(s *source) {
	if s.index < 0 {
		return
	}
	iv := s.period()
	if s.last.IsZero() {
		s.next = minTime(s.next, s.start.Add(iv))
	} else {
		s.next = s.last.Add(iv)
	}
	heap.Fix(&e.sched.due, s.index)
	e.wakeLocked()
}

// schedule runs the scheduler until ctx is done.
func (e *Engine) schedule(ctx context.Context) {
	defer e.wg.Done()
	timer := e.clock.NewTimer(time.Hour)
	defer timer.Stop()
	stopTimer(timer)
	var queue []pollJob // due polls not yet taken by a worker
	for {
		e.mu.Lock()
		now := e.clock.Now()
		for len(e.sched.due) > 0 && !e.sched.due[0].next.After(now) {
			s := heap.Pop(&e.sched.due).(*source)
			jctx, cancel := context.WithCancel(ctx)
			s.cancel, s.last = cancel, s.next
			e.sched.inflight++
			queue = append(queue, pollJob{ctx: jctx, src: s, poller: s.poller})
		}
		if len(e.sched.due) > 0 {
			resetTimer(timer, e.sched.due[0].next.Sub(now))
		} else {
			stopTimer(timer)
		}
		e.sched.parked = len(queue) == 0 && e.sched.inflight == 0
		e.mu.Unlock()

		var jobs chan pollJob
		var head pollJob
		if len(queue) > 0 {
			jobs, head = e.jobs, queue[0]
		}
		select {
		case <-ctx.Done():
			return
		case jobs <- head:
			queue[0] = pollJob{}
			queue = queue[1:]
		case <-timer.C():
		case <-e.sched.wake:
		}
	}
}

// finish records the outcome of j unless its source was stopped or the
// engine is stopping, and schedules the source's next poll on its grid:
// one interval after the previous scheduled poll, skipping slots missed
// while the poll ran. After the first poll the grid is the start plus the
// source's phase, and the second poll comes at least half an interval
// after the first.
func (e *Engine) finish(j pollJob, r pollResult) {
	if j.ctx.Err() == nil {
		e.record(j.src, r.value, r.activity, r.err, r.took)
	}
	e.mu.Lock()
	defer e.unlock()
	s := j.src
	e.sched.inflight--
	e.wakeLocked()
	e.drainedLocked(s)
	if e.sources[s.key] != s || j.ctx.Err() != nil {
		return
	}
	s.cancel()
	s.cancel = nil
	iv := s.period()
	s.next = s.last.Add(iv)
	if s.last.Equal(s.start) {
		s.next = s.start.Add(s.phase)
		for s.next.Sub(s.start) < iv/2 {
			s.next = s.next.Add(iv)
		}
	}
	for now := e.clock.Now(); !s.next.After(now); {
		s.next = s.next.Add(iv)
	}
	heap.Push(&e.sched.due, s)
}

// schedState reports, for tests, how many sources are scheduled or polling
// and whether the scheduler is parked on its timer with nothing to dispatch.
func (e *Engine) schedState() (sources int, parked bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.sched.due) + e.sched.inflight, e.sched.parked
}

// stopTimer stops t and drains a fire that was not received.
func stopTimer(t clock.Timer) {
	if !t.Stop() {
		select {
		case <-t.C():
		default:
		}
	}
}
