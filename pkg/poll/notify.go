package poll

import (
	"context"
	"sync"
)

// notifier is a coalescing queue of object keys: a key marked again while
// pending is queued once. Its memory is bounded by the number of objects.
type notifier struct {
	mu      sync.Mutex
	pending map[Key]struct{}
	queue   []Key
	sending bool // run holds a popped key it has not delivered yet
	wake    chan struct{}
	out     chan Key
}

func newNotifier() *notifier {
	return &notifier{
		pending: make(map[Key]struct{}),
		wake:    make(chan struct{}, 1),
		out:     make(chan Key),
	}
}

// mark queues key; it never blocks.
func (n *notifier) mark(key Key) {
	n.mu.Lock()
	if _, ok := n.pending[key]; !ok {
		n.pending[key] = struct{}{}
		n.queue = append(n.queue, key)
	}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// pop removes and returns the oldest pending key.
func (n *notifier) pop() (Key, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.queue) == 0 {
		return Key{}, false
	}
	key := n.queue[0]
	n.sending = true
	n.queue[0] = Key{}
	n.queue = n.queue[1:]
	if len(n.queue) == 0 {
		n.queue = nil
	}
	delete(n.pending, key)
	return key, true
}

// run delivers queued keys on out until ctx is done.
func (n *notifier) run(ctx context.Context) {
	for {
		key, ok := n.pop()
		if !ok {
			select {
			case <-n.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case n.out <- key:
		case <-ctx.Done():
			return
		}
		n.mu.Lock()
		n.sending = false
		n.mu.Unlock()
	}
}

// idle reports whether every marked key has been delivered, for tests
// that check that nothing changed.
func (n *notifier) idle() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.queue) == 0 && !n.sending
}
