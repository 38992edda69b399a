package prometheus

import (
	"container/list"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// DefaultCacheSize is the number of HTTP clients a ClientCache keeps when
// NewClientCache is given no positive size.
const DefaultCacheSize = 64

// ClientCache shares HTTP clients, and so connection pools, between
// prometheus triggers whose TLS material (unsafeSsl, CA bundle, client
// certificate and key) is the same. Header credentials (basic, bearer,
// custom) are set per request and do not split the cache. It holds at most its size; the least
// recently used client is evicted and its idle connections closed. Triggers
// keep the client they were built with, so eviction never breaks one. It is
// safe for concurrent use.
type ClientCache struct {
	mu      sync.Mutex
	size    int
	order   *list.List // of *cacheEntry, most recently used first
	entries map[string]*list.Element
}

type cacheEntry struct {
	key    string
	client *http.Client
}

// NewClientCache returns a cache holding at most size clients, or
// DefaultCacheSize when size is not positive.
func NewClientCache(size int) *ClientCache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	return &ClientCache{size: size, order: list.New(), entries: make(map[string]*list.Element)}
}

// client returns the client cached under key, or else caches and returns
// the one newClient builds. key must be a hash of the TLS material, never
// the material itself.
func (c *ClientCache) client(key string, newClient func() *http.Client) *http.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).client
	}
	client := newClient()
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, client: client})
	for c.order.Len() > c.size {
		oldest := c.order.Back()
		entry := c.order.Remove(oldest).(*cacheEntry)
		delete(c.entries, entry.key)
		entry.client.CloseIdleConnections()
	}
	return client
}

// Len returns the number of cached clients.
func (c *ClientCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// tlsConfig builds the TLS configuration for p. Errors name the
// parameter, never its content.
func tlsConfig(cfg scalers.Config, p *params) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: p.UnsafeSSL} // InsecureSkipVerify: unsafeSsl is the user's explicit choice.
	if p.CA != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(p.CA)) {
			return nil, scalers.ParamErrorf(cfg, "ca", "no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	if p.mode("tls") {
		cert, err := tls.X509KeyPair([]byte(p.Cert), []byte(p.Key))
		if err != nil {
			// crypto/tls errors describe the problem, never the key.
			return nil, scalers.ParamErrorf(cfg, "cert", "with key: %v", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// newClient returns a client over a fresh transport using tc.
func newClient(tc *tls.Config) *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: t}
}
