package rabbitmq

import (
	"context"
	"sync"
)

// reader reads queue statistics over one connection to a broker. It is safe
// for concurrent use.
type reader interface {
	// queue reads one queue of vhost.
	queue(ctx context.Context, vhost, name string) (stats, error)
	// matching reads every queue of vhost whose name the management API's
	// regex matches, pageSize per request.
	matching(ctx context.Context, vhost, regex string, pageSize int64) ([]stats, error)
	// close ends the connection: called once no trigger holds the reader.
	close()
}

// ConnCache shares connections between triggers that reach the same broker
// with the same credentials and TLS material. A connection is reference
// counted: each trigger built holds it until it is garbage (the poll engine
// drops sources it no longer polls), and the last release closes it. It is
// safe for concurrent use.
type ConnCache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	r    reader
	refs int
}

// NewConnCache returns an empty cache.
func NewConnCache() *ConnCache {
	return &ConnCache{entries: make(map[string]*cacheEntry)}
}

// acquire returns the reader cached under key, or else caches the one
// newReader makes, and counts one more holder. key must hold credentials
// only hashed. newReader must not connect.
func (c *ConnCache) acquire(key string, newReader func() reader) reader {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		e = &cacheEntry{r: newReader()}
		c.entries[key] = e
	}
	e.refs++
	return e.r
}

// release counts one holder of key fewer and closes the reader when none
// is left.
func (c *ConnCache) release(key string) {
	c.mu.Lock()
	e, ok := c.entries[key]
	last := false
	if ok {
		e.refs--
		if last = e.refs <= 0; last {
			delete(c.entries, key)
		}
	}
	c.mu.Unlock()
	if last {
		// close waits for a read in progress; cleanups must not block.
		go e.r.close()
	}
}

// Len returns the number of connections held (open or to be opened on the
// next poll).
func (c *ConnCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
