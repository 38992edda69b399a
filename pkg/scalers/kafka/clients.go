package kafka

import (
	"container/list"
	"sync"
)

// DefaultCacheSize is the number of cluster clients a ClientCache keeps when
// NewClientCache is given no positive size.
const DefaultCacheSize = 64

// ClientCache shares Kafka clients, and so connection pools and cached
// cluster metadata, between triggers that name the same bootstrap servers,
// TLS material and SASL credentials. It holds at most its size; the least
// recently used client is evicted and its idle connections closed (a
// trigger still holding it reconnects on its next poll). It is safe for
// concurrent use.
type ClientCache struct {
	mu      sync.Mutex
	size    int
	order   *list.List // of *cacheEntry, most recently used first
	entries map[string]*list.Element
}

type cacheEntry struct {
	key    string
	client admin
}

// NewClientCache returns a cache holding at most size clients, or
// DefaultCacheSize when size is not positive.
func NewClientCache(size int) *ClientCache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &ClientCache{size: size, order: list.New(), entries: make(map[string]*list.Element)}
}

// client returns the client cached under key, or else caches and returns the
// one build makes. key must hash the credentials, never hold them.
func (c *ClientCache) client(key string, build func() (admin, error)) (admin, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).client, nil
	}
	a, err := build()
	if err != nil {
		return nil, err
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, client: a})
	for c.order.Len() > c.size {
		oldest := c.order.Back()
		entry := c.order.Remove(oldest).(*cacheEntry)
		delete(c.entries, entry.key)
		entry.client.close()
	}
	return a, nil
}

// Len returns the number of cached clients.
func (c *ClientCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
