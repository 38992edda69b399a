package rabbitmq

import (
	"context"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
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
// with the same credentials and TLS material. Each trigger holds its
// connection until the poll engine closes its source or the source is
// garbage, and the last holder to let go closes it. It is safe for
// concurrent use.
type ConnCache struct {
	c *clientcache.Cache[reader]
}

// NewConnCache returns an empty cache.
func NewConnCache() *ConnCache {
	return &ConnCache{c: clientcache.New(clientcache.Options[reader]{Unbounded: true, DropUnheld: true, Close: reader.close})}
}

// hold returns a handle on the reader cached under key, or else on the one
// newReader makes. key must hold credentials only hashed. newReader must
// not connect.
func (c *ConnCache) hold(key string, newReader func() reader) *clientcache.Handle[reader] {
	// newReader cannot fail, so neither can Hold.
	h, _ := c.c.Hold(key, func() (reader, error) { return newReader(), nil })
	return h
}

// Len returns the number of connections held (open or to be opened on the
// next poll).
func (c *ConnCache) Len() int { return c.c.Len() }
