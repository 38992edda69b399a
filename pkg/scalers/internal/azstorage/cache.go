package azstorage

import (
	"container/list"
	"sync"
)

// DefaultCacheSize is the number of clients a Cache keeps when NewCache is
// given no positive size.
const DefaultCacheSize = 64

// Cache shares SDK clients, and so their pipelines, between triggers that
// reach the same endpoint with the same credential. It holds at most its
// size; the least recently used client is dropped (triggers keep the
// client they were built with). It is safe for concurrent use.
type Cache[C any] struct {
	mu      sync.Mutex
	size    int
	order   *list.List // of *entry[C], most recently used first
	entries map[string]*list.Element
}

type entry[C any] struct {
	key    string
	client C
}

// NewCache returns a cache of at most size clients, or DefaultCacheSize
// when size is not positive.
func NewCache[C any](size int) *Cache[C] {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &Cache[C]{size: size, order: list.New(), entries: make(map[string]*list.Element)}
}

// Get returns the client cached under key, or else builds one with
// newClient, caches it and returns it. key must hold credentials only
// hashed. A newClient error is returned and nothing is cached.
func (c *Cache[C]) Get(key string, newClient func() (C, error)) (C, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*entry[C]).client, nil
	}
	client, err := newClient()
	if err != nil {
		return client, err
	}
	c.entries[key] = c.order.PushFront(&entry[C]{key: key, client: client})
	for c.order.Len() > c.size {
		old := c.order.Remove(c.order.Back()).(*entry[C])
		delete(c.entries, old.key)
	}
	return client, nil
}

// Len returns the number of cached clients.
func (c *Cache[C]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
