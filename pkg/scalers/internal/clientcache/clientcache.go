// Package clientcache is the one cache of SDK clients every trigger type
// shares its connections through: a bounded least-recently-used map from a
// key (address and hashed credentials) to a client, built on
// hashicorp/golang-lru's simplelru, that closes every client it drops once
// no holder uses it any more.
//
// simplelru rather than k8s.io/utils/lru: it is typed (no interface{}
// assertions), and it is the unlocked core, so that one mutex of ours makes
// "get or build" atomic and the eviction callback can defer closes until
// that mutex is released.
package clientcache

import (
	"math"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// DefaultSize is the number of clients a Cache keeps when Options.Size is
// not positive.
const DefaultSize = 64

// Options configure a Cache.
type Options[V any] struct {
	// Size bounds the clients kept; beyond it the least recently used one
	// is dropped, held or not (a held one closes on its last release).
	// DefaultSize when not positive.
	Size int
	// Unbounded ignores Size: for clients held as long as their triggers
	// exist (DropUnheld), which bound them.
	Unbounded bool
	// Idle, when positive, drops a client that no holder has used for that
	// long; checked when the cache is used, at most every quarter of Idle,
	// so a client is closed between Idle and 1.25 Idle after its last use.
	Idle time.Duration
	// DropUnheld drops a client as soon as its last holder releases it:
	// for clients that hold a connection open while they exist.
	DropUnheld bool
	// Close closes a dropped client. It is called once per client, after
	// its last holder released it, outside the cache's lock. nil for
	// clients with nothing to close.
	Close func(V)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Cache shares clients by key. A client is either got (Get: the caller
// keeps no claim, and the client may be closed while the caller still has
// it, which suits clients that reconnect or need no closing) or held
// (Acquire, Use: never closed before its Lease is released). A dropped
// client leaves the cache at once, so that the next caller builds a fresh
// one, and is closed when its last holder lets go. It is safe for
// concurrent use.
type Cache[V any] struct {
	opts Options[V]

	mu        sync.Mutex
	lru       *simplelru.LRU[string, *entry[V]]
	closing   []*entry[V] // dropped by the eviction callback, closed after mu
	lastSweep time.Time   // of dropIdleLocked
}

type entry[V any] struct {
	value    V
	holders  int
	lastUsed time.Time
	dropped  bool
}

// New returns an empty cache.
func New[V any](opts Options[V]) *Cache[V] {
	switch {
	case opts.Unbounded:
		opts.Size = math.MaxInt
	case opts.Size <= 0:
		opts.Size = DefaultSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Cache[V]{opts: opts}
	// NewLRU fails only for a size that is not positive.
	c.lru, _ = simplelru.NewLRU(opts.Size, c.onEvict)
	return c
}

// onEvict runs under mu for every entry simplelru drops.
func (c *Cache[V]) onEvict(_ string, e *entry[V]) {
	e.dropped = true
	if e.holders == 0 {
		c.closing = append(c.closing, e)
	}
}

// unlock releases mu and closes what was dropped meanwhile.
func (c *Cache[V]) unlock() {
	closing := c.closing
	c.closing = nil
	c.mu.Unlock()
	if c.opts.Close == nil {
		return
	}
	for _, e := range closing {
		c.opts.Close(e.value)
	}
}

// Get returns the client cached under key, or else caches and returns the
// one build makes. key must hold credentials only hashed. A build error is
// returned and nothing is cached.
func (c *Cache[V]) Get(key string, build func() (V, error)) (V, error) {
	c.mu.Lock()
	defer c.unlock()
	e, err := c.lookupLocked(key, build)
	if err != nil {
		var zero V
		return zero, err
	}
	return e.value, nil
}

// Acquire is Get that holds the client: it is not closed before the
// returned Lease is released.
func (c *Cache[V]) Acquire(key string, build func() (V, error)) (*Lease[V], error) {
	c.mu.Lock()
	defer c.unlock()
	e, err := c.lookupLocked(key, build)
	if err != nil {
		return nil, err
	}
	e.holders++
	return &Lease[V]{c: c, e: e, key: key}, nil
}

// Use runs fn with the client for key, held while fn runs, and returns
// fn's error or build's.
func (c *Cache[V]) Use(key string, build func() (V, error), fn func(V) error) error {
	c.mu.Lock()
	e, err := c.lookupLocked(key, build)
	if err == nil {
		e.holders++
	}
	c.unlock()
	if err != nil {
		return err
	}
	defer c.release(key, e)
	return fn(e.value)
}

func (c *Cache[V]) lookupLocked(key string, build func() (V, error)) (*entry[V], error) {
	now := c.opts.Now()
	c.dropIdleLocked(key, now)
	if e, ok := c.lru.Get(key); ok {
		e.lastUsed = now
		return e, nil
	}
	v, err := build()
	if err != nil {
		return nil, err
	}
	e := &entry[V]{value: v, lastUsed: now}
	c.lru.Add(key, e)
	return e, nil
}

// dropIdleLocked drops every unheld client but keep's unused for longer
// than Idle.
func (c *Cache[V]) dropIdleLocked(keep string, now time.Time) {
	if c.opts.Idle <= 0 || now.Sub(c.lastSweep) < c.opts.Idle/4 {
		return
	}
	c.lastSweep = now
	for _, k := range c.lru.Keys() {
		if e, _ := c.lru.Peek(k); k != keep && e.holders == 0 && now.Sub(e.lastUsed) > c.opts.Idle {
			c.lru.Remove(k)
		}
	}
}

// Len returns the number of clients cached (not counting dropped ones
// still held).
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Contains reports whether a client is cached under key, without using it.
func (c *Cache[V]) Contains(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Contains(key)
}

// Purge drops every client: unheld ones are closed now, held ones when
// released.
func (c *Cache[V]) Purge() {
	c.mu.Lock()
	defer c.unlock()
	c.lru.Purge()
}

// Lease is a held client.
type Lease[V any] struct {
	c    *Cache[V]
	e    *entry[V]
	key  string
	once sync.Once
}

// Value returns the client; it stays open until Release.
func (l *Lease[V]) Value() V { return l.e.value }

// Release gives the client back. Only the first call counts. The client is
// closed when it was dropped meanwhile, or, with DropUnheld, when this was
// its last holder.
func (l *Lease[V]) Release() {
	l.once.Do(func() { l.c.release(l.key, l.e) })
}

// release counts one holder of e fewer and closes or drops it as Release
// says.
func (c *Cache[V]) release(key string, e *entry[V]) {
	c.mu.Lock()
	defer c.unlock()
	e.holders--
	e.lastUsed = c.opts.Now()
	if e.holders > 0 {
		return
	}
	if e.dropped {
		c.closing = append(c.closing, e)
		return
	}
	if cur, ok := c.lru.Peek(key); c.opts.DropUnheld && ok && cur == e {
		c.lru.Remove(key)
	}
}
