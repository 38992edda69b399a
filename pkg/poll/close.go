package poll

import (
	"reflect"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Sources that hold a shared client (scalers.ClosingSource) are closed when
// the engine stops polling them: at once when no poll of theirs is in
// flight, else by finish when that poll returns, and all that remain when
// Run returns. Close runs after Engine.mu is released (see unlock), so a
// slow Close never holds up Set, Delete or a worker's record.

// dropLocked removes s from the engine: its polls stop and it is closed
// once no poll of it runs. e.mu is held.
func (e *Engine) dropLocked(s *source) {
	inflight := s.cancel != nil
	e.stopLocked(s)
	delete(e.sources, s.key)
	if inflight {
		e.draining[s] = struct{}{}
		return
	}
	e.closeLocked(s.poller)
}

// drainedLocked closes s when it was dropped while its poll ran, unless a
// source polled now reuses its poller. e.mu is held.
func (e *Engine) drainedLocked(s *source) {
	if _, ok := e.draining[s]; !ok {
		return
	}
	delete(e.draining, s)
	if cur := e.sources[s.key]; cur == nil || !samePoller(cur.poller, s.poller) {
		e.closeLocked(s.poller)
	}
}

// closeAllLocked closes every source, for the end of Run: no poll runs any
// more. e.mu is held.
func (e *Engine) closeAllLocked() {
	for s := range e.draining {
		e.closeLocked(s.poller)
	}
	clear(e.draining)
	for _, s := range e.sources {
		e.closeLocked(s.poller)
	}
}

// samePoller reports whether a and b are the same Source without panicking
// on a type == cannot compare (a Source of such a type is never "the same",
// so it is closed when an equal source is already polled).
func samePoller(a, b scalers.Source) bool {
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta != nil && ta.Comparable() && a == b
}

// closeLocked queues p's Close for unlock when p is a ClosingSource. e.mu
// is held.
func (e *Engine) closeLocked(p scalers.Source) {
	if c, ok := p.(scalers.ClosingSource); ok {
		e.closing = append(e.closing, c)
	}
}

// unlock releases e.mu and then closes the sources queued meanwhile.
func (e *Engine) unlock() {
	closing := e.closing
	e.closing = nil
	e.mu.Unlock()
	for _, c := range closing {
		c.Close()
	}
}
