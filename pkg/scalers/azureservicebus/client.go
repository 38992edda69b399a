package azureservicebus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// This file and sdk.go are the only ones that touch the azservicebus SDK.

// ClientCache shares admin clients, and so their connections, between
// triggers that reach the same namespace with the same credential. A
// client lives as long as some trigger holds it: once the poll engine has
// closed every source using it, or they are garbage, its idle connections
// are closed. It is safe for concurrent use.
type ClientCache struct {
	rootCAs *x509.CertPool
	c       *clientcache.Cache[*namespaceClient]
}

// NewClientCache returns an empty cache. Clients verify the namespace's
// certificate against rootCAs, or the system's roots when nil (which
// honour SSL_CERT_FILE and SSL_CERT_DIR).
func NewClientCache(rootCAs *x509.CertPool) *ClientCache {
	return &ClientCache{rootCAs: rootCAs, c: clientcache.New(clientcache.Options[*namespaceClient]{
		Unbounded:  true,
		DropUnheld: true,
		Close:      func(nc *namespaceClient) { nc.transport.CloseIdleConnections() },
	})}
}

// Len returns the number of clients in use by some trigger.
func (c *ClientCache) Len() int { return c.c.Len() }

// namespaceClient is one admin client with its own transport.
type namespaceClient struct {
	admin     *admin.Client
	conn      *connection
	transport *http.Transport
}

// hold returns a handle on the client for conn, shared with every trigger
// that holds one for the same host and credential. key must hold
// credentials hashed.
func (c *ClientCache) hold(key string, conn *connection) (*clientcache.Handle[*namespaceClient], error) {
	return c.c.Hold(key, func() (*namespaceClient, error) {
		transport := c.transport()
		client, err := admin.NewClientFromConnectionString(conn.Raw, &admin.ClientOptions{ClientOptions: clientOptions(transport)})
		if err != nil {
			transport.CloseIdleConnections()
			// The SDK's parse errors may quote the endpoint; ours already
			// checked the string, so this is unexpected: say so without it.
			return nil, fmt.Errorf("admin client: the SDK refused the connection string (%s)", redact(err.Error(), conn))
		}
		return &namespaceClient{admin: client, conn: conn, transport: transport}, nil
	})
}

// heldCounter is a counter over a held client; closing it lets go of the
// client, and a later read holds one again.
type heldCounter struct {
	h *clientcache.Handle[*namespaceClient]
}

func (c *heldCounter) Queue(ctx context.Context, name string) (int64, error) {
	nc, err := c.h.Get()
	if err != nil {
		return 0, err
	}
	return nc.Queue(ctx, name)
}

func (c *heldCounter) Subscription(ctx context.Context, topic, name string) (int64, error) {
	nc, err := c.h.Get()
	if err != nil {
		return 0, err
	}
	return nc.Subscription(ctx, topic, name)
}

func (c *heldCounter) Queues(ctx context.Context, each func(string, int64)) error {
	nc, err := c.h.Get()
	if err != nil {
		return err
	}
	return nc.Queues(ctx, each)
}

func (c *heldCounter) Subscriptions(ctx context.Context, topic string, each func(string, int64)) error {
	nc, err := c.h.Get()
	if err != nil {
		return err
	}
	return nc.Subscriptions(ctx, topic, each)
}

func (c *heldCounter) close() { c.h.Close() }

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

// clientOptions are the SDK pipeline options for polling (see
// azstorage.ClientOptions: one quick retry, a per-try timeout) over t.
func clientOptions(t *http.Transport) policy.ClientOptions {
	opts := azstorage.ClientOptions()
	opts.Transport = &http.Client{Transport: t}
	return opts
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
