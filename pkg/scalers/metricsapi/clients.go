package metricsapi

import (
	"crypto/tls"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/httpclient"
)

// DefaultCacheSize is the number of HTTP clients a ClientCache keeps when
// NewClientCache is given no positive size.
const DefaultCacheSize = httpclient.DefaultCacheSize

// ClientCache shares HTTP clients, and so connection pools, between
// triggers whose TLS material is the same; see httpclient.Cache.
type ClientCache = httpclient.Cache

// NewClientCache returns a cache holding at most size clients, or
// DefaultCacheSize when size is not positive.
func NewClientCache(size int) *ClientCache { return httpclient.NewCache(size) }

// tlsConfig builds the TLS configuration for p. Errors name the
// parameter, never its content.
func tlsConfig(cfg scalers.Config, p *params) (*tls.Config, error) {
	return httpclient.TLS{UnsafeSSL: p.UnsafeSSL, CA: p.CA, ClientCert: p.AuthMode == "tls", Cert: p.Cert, Key: p.Key}.Config(cfg)
}
