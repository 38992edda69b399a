package azureservicebus

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"
	"weak"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// This file and sdk.go are the only ones that touch the azservicebus SDK.

// ClientCache shares admin clients, and so their connections, between
// triggers that reach the same namespace with the same credential. A
// client lives as long as some trigger holds it: once none does, the
// garbage collector drops it from the cache and its idle connections are
// closed. It is safe for concurrent use.
type ClientCache struct {
	rootCAs *x509.CertPool

	mu      sync.Mutex
	clients map[string]weak.Pointer[namespaceClient]
}

// NewClientCache returns an empty cache. Clients verify the namespace's
// certificate against rootCAs, or the system's roots when nil (which
// honour SSL_CERT_FILE and SSL_CERT_DIR).
func NewClientCache(rootCAs *x509.CertPool) *ClientCache {
	return &ClientCache{rootCAs: rootCAs, clients: map[string]weak.Pointer[namespaceClient]{}}
}

// Len returns the number of clients in use by some trigger.
func (c *ClientCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.clients)
}

// namespaceClient is one admin client with its own transport.
type namespaceClient struct {
	admin *admin.Client
	conn  *connection
}

// dropArg is what the cleanup of a collected client needs; it must not
// reach the client itself.
type dropArg struct {
	key       string
	ptr       weak.Pointer[namespaceClient]
	transport *http.Transport
}

// get returns the client for conn, shared with every live trigger that
// uses the same host and credential. key must hold credentials hashed.
func (c *ClientCache) get(key string, conn *connection) (*namespaceClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.clients[key]; ok {
		if nc := p.Value(); nc != nil {
			return nc, nil
		}
	}
	transport := c.transport()
	client, err := admin.NewClientFromConnectionString(conn.Raw, &admin.ClientOptions{ClientOptions: clientOptions(transport)})
	if err != nil {
		transport.CloseIdleConnections()
		// The SDK's parse errors may quote the endpoint; ours already
		// checked the string, so this is unexpected: say so without it.
		return nil, fmt.Errorf("admin client: the SDK refused the connection string (%s)", redact(err.Error(), conn))
	}
	nc := &namespaceClient{admin: client, conn: conn}
	ptr := weak.Make(nc)
	c.clients[key] = ptr
	runtime.AddCleanup(nc, c.drop, dropArg{key: key, ptr: ptr, transport: transport})
	return nc, nil
}

// drop forgets a collected client and closes its idle connections.
func (c *ClientCache) drop(a dropArg) {
	a.transport.CloseIdleConnections()
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.clients[a.key]; ok && p == a.ptr {
		delete(c.clients, a.key)
	}
}

// transport returns a fresh HTTP transport for one client.
func (c *ClientCache) transport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: c.rootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
}

// clientOptions are the SDK pipeline options for polling: one quick retry
// (the poller polls again at its interval anyway) and a per-try timeout,
// so that an unreachable namespace fails a poll within seconds.
func clientOptions(t *http.Transport) policy.ClientOptions {
	return policy.ClientOptions{
		Transport: &http.Client{Transport: t},
		Retry: policy.RetryOptions{
			MaxRetries:    1,
			TryTimeout:    30 * time.Second,
			RetryDelay:    200 * time.Millisecond,
			MaxRetryDelay: time.Second,
		},
		Telemetry: policy.TelemetryOptions{ApplicationID: "sluice"},
	}
}

// withRecover runs f, turning a panic inside the SDK (it dereferences
// optional elements of some responses) into an error, so that a
// malformed response cannot take the adapter down.
func withRecover[T any](op string, f func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: malformed response from the namespace", op)
		}
	}()
	return f()
}
