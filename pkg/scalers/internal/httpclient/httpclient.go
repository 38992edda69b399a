// Package httpclient holds what the HTTP-based trigger types (metrics-api,
// prometheus) share: a bounded cache of HTTP clients keyed by TLS material,
// the TLS configuration built from trigger parameters, and the transport.
package httpclient

import (
	"crypto/tls"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clienttls"
)

// DefaultTimeout bounds one request of a trigger that sets no timeout:
// KEDA's default HTTP timeout (KEDA_HTTP_DEFAULT_TIMEOUT, 3000 ms).
const DefaultTimeout = 3 * time.Second

// DefaultCacheSize is the number of clients a Cache keeps when NewCache is
// given no positive size.
const DefaultCacheSize = clientcache.DefaultSize

// Cache shares HTTP clients, and so connection pools, between triggers whose
// TLS material (unsafeSsl, CA bundle, client certificate and key) is the
// same. Header credentials are set per request and do not split the cache.
// It holds at most its size; the least recently used client is evicted and
// its idle connections closed. Triggers keep the client they were built
// with, so eviction never breaks one. It is safe for concurrent use.
type Cache struct {
	c *clientcache.Cache[*http.Client]
}

// NewCache returns a cache holding at most size clients, or
// DefaultCacheSize when size is not positive.
func NewCache(size int) *Cache {
	return &Cache{c: clientcache.New(clientcache.Options[*http.Client]{
		Size:  size,
		Close: (*http.Client).CloseIdleConnections,
	})}
}

// Client returns the client cached under key, or else caches and returns
// the one newClient builds. key must be a hash of the TLS material, never
// the material itself.
func (c *Cache) Client(key string, newClient func() *http.Client) *http.Client {
	client, _ := c.c.Get(key, func() (*http.Client, error) { return newClient(), nil })
	return client
}

// Len returns the number of cached clients.
func (c *Cache) Len() int { return c.c.Len() }

// TLS is the TLS material of a trigger, from its parameters.
type TLS struct {
	// UnsafeSSL skips verifying the server's certificate: the user's
	// explicit choice (unsafeSsl).
	UnsafeSSL bool
	// CA is a PEM bundle added to the system roots; empty for none.
	CA string
	// ClientCert says whether Cert and Key are a client certificate to
	// present (authMode tls).
	ClientCert bool
	// Cert and Key are the PEM client certificate and key.
	Cert, Key string
}

// Config builds the TLS configuration. Errors name the parameter (ca,
// cert, key) of cfg's trigger, never its content.
func (m TLS) Config(cfg scalers.Config) (*tls.Config, error) {
	mat := clienttls.Material{UnsafeSSL: m.UnsafeSSL, CA: m.CA}
	if m.ClientCert {
		mat.Cert, mat.Key = m.Cert, m.Key
		if mat.Cert == "" && mat.Key == "" {
			return nil, scalers.ParamErrorf(cfg, "cert", "%w: authModes has tls, so cert and key must be set", scalers.ErrMissingParam)
		}
	}
	return mat.Config(cfg)
}

// New returns a client over a fresh transport using tc.
func New(tc *tls.Config) *http.Client {
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

// Hash returns the cache key of m: a hash of its material (see
// scalers.HashSecret), with the client certificate only when it is
// presented, so that one given for nothing does not split the cache.
func (m TLS) Hash() string {
	cert, key := "", ""
	if m.ClientCert {
		cert, key = m.Cert, m.Key
	}
	return scalers.HashSecret(strconv.FormatBool(m.UnsafeSSL), m.CA, strconv.FormatBool(m.ClientCert), cert, key)
}
