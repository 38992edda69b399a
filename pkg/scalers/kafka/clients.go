package kafka

import "github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"

// DefaultCacheSize is the number of cluster clients a ClientCache keeps when
// NewClientCache is given no positive size.
const DefaultCacheSize = clientcache.DefaultSize

// ClientCache shares Kafka clients, and so connection pools and cached
// cluster metadata, between triggers that name the same bootstrap servers,
// TLS material and SASL credentials. It holds at most its size; the least
// recently used client is evicted and its idle connections closed (a
// trigger still holding it reconnects on its next poll). It is safe for
// concurrent use.
type ClientCache struct {
	c *clientcache.Cache[admin]
}

// NewClientCache returns a cache holding at most size clients, or
// DefaultCacheSize when size is not positive.
func NewClientCache(size int) *ClientCache {
	return &ClientCache{c: clientcache.New(clientcache.Options[admin]{Size: size, Close: admin.close})}
}

// client returns the client cached under key, or else caches and returns the
// one build makes. key must hash the credentials, never hold them.
func (c *ClientCache) client(key string, build func() (admin, error)) (admin, error) {
	return c.c.Get(key, build)
}

// Len returns the number of cached clients.
func (c *ClientCache) Len() int { return c.c.Len() }
