package prometheus

import (
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
