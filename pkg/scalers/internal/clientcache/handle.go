package clientcache

import (
	"runtime"
	"sync"
)

// Handle is a source's claim on one client of a Cache: it holds the client
// from the start, gives it back on Close, and holds it again when used
// after Close. The poll engine closes a source it stops polling, but the
// source may be handed to it again later (a trigger kept while its
// ScaledObject's configuration cannot be read), so a closed Handle must
// still work. It is safe for concurrent use.
type Handle[V any] struct {
	c     *Cache[V]
	key   string
	build func() (V, error)

	mu    sync.Mutex
	lease *Lease[V] // nil after Close
}

// Hold returns a Handle on the client for key, acquired now, so that a
// build error reaches the caller at once. key must hold credentials only
// hashed.
func (c *Cache[V]) Hold(key string, build func() (V, error)) (*Handle[V], error) {
	l, err := c.Acquire(key, build)
	if err != nil {
		return nil, err
	}
	return &Handle[V]{c: c, key: key, build: build, lease: l}, nil
}

// Get returns the held client, acquiring it again after Close.
func (h *Handle[V]) Get() (V, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lease == nil {
		l, err := h.c.Acquire(h.key, h.build)
		if err != nil {
			var zero V
			return zero, err
		}
		h.lease = l
	}
	return h.lease.Value(), nil
}

// Close gives the client back; see Lease.Release. It must not be called
// while a Get's client is in use.
func (h *Handle[V]) Close() {
	h.mu.Lock()
	l := h.lease
	h.lease = nil
	h.mu.Unlock()
	if l != nil {
		l.Release()
	}
}

// CloseWhenUnreachable closes h once owner is garbage: a backstop for
// owners that nobody closes (a trigger built and then discarded). owner
// must hold h; h must not point back at owner. The close runs on a
// goroutine of its own, since closing may wait for a read in progress and
// cleanups must not block.
func CloseWhenUnreachable[T, V any](owner *T, h *Handle[V]) {
	runtime.AddCleanup(owner, func(h *Handle[V]) { go h.Close() }, h)
}
