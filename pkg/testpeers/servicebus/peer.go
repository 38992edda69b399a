// Package servicebus is a test peer for the Azure Service Bus management
// REST API: it serves queues, topics and subscriptions, with the runtime
// counts a test sets, as ATOM over HTTPS on loopback, the way Microsoft
// documents the API (learn.microsoft.com/rest/api/servicebus: "Get
// Entity", "Enumeration", the QueueDescription, TopicDescription and
// SubscriptionDescription schemas) and the Azure SDK's admin client
// reads it. Requests must carry a valid Shared Access Signature. It
// exists because no Service Bus broker or emulator runs without Docker;
// the client under test stays the vendor's SDK, unmodified.
package servicebus

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// KeyName is the name of the peer's shared access key.
const KeyName = "RootManageSharedAccessKey"

// Counts are an entity's runtime message counts (CountDetails).
type Counts struct {
	Active, DeadLetter, Scheduled, Transfer, TransferDeadLetter int32
}

func (c Counts) total() int64 {
	return int64(c.Active) + int64(c.DeadLetter) + int64(c.Scheduled) + int64(c.Transfer) + int64(c.TransferDeadLetter)
}

// size is a stand-in SizeInBytes: 1 KiB per message.
func (c Counts) size() int64 { return 1024 * c.total() }

// Options configure Start. The zero value is ready to use.
type Options struct {
	// Key is the shared access key; a random one when empty.
	Key string
	// Now is the clock for timestamps and token expiry; time.Now when nil.
	Now func() time.Time
}

// Peer is a running management endpoint on 127.0.0.1. It is safe for
// concurrent use.
type Peer struct {
	key  string
	now  func() time.Time
	ca   *testCA
	addr string // host:port, fixed for the peer's life

	mu      sync.Mutex
	created time.Time
	queues  map[string]*queue // by lower-case name
	topics  map[string]*topic
	srv     *http.Server // nil while stopped

	requests atomic.Int64
}

type queue struct {
	name   string
	counts Counts
}

type topic struct {
	name string
	subs map[string]*queue
}

// Start serves the peer on 127.0.0.1 at a port the kernel picks.
func Start(opts Options) (*Peer, error) {
	p := &Peer{key: opts.Key, now: opts.Now, queues: map[string]*queue{}, topics: map[string]*topic{}}
	if p.now == nil {
		p.now = time.Now
	}
	if p.key == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("servicebus peer key: %w", err)
		}
		p.key = base64.StdEncoding.EncodeToString(b)
	}
	p.created = p.now()
	ca, err := newTestCA()
	if err != nil {
		return nil, fmt.Errorf("servicebus peer tls: %w", err)
	}
	p.ca = ca
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("servicebus peer listen: %w", err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	return p, nil
}

// serve starts an HTTPS server on ln.
func (p *Peer) serve(ln net.Listener) {
	srv := &http.Server{
		Handler:           http.HandlerFunc(p.handle),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{p.ca.serve}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
	}
	p.mu.Lock()
	p.srv = srv
	p.mu.Unlock()
	go func() { _ = srv.ServeTLS(ln, "", "") }()
}

// Stop closes the listener and every connection: clients then fail to
// connect, as with a namespace out of reach. The entities stay.
func (p *Peer) Stop() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Resume serves again on the same address after Stop. Binding is retried
// until ctx is done, for the moment the kernel may still hold the port.
func (p *Peer) Resume(ctx context.Context) error {
	for {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.serve(ln)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("servicebus peer listen again on %s: %w", p.addr, errors.Join(err, ctx.Err()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Addr returns the peer's host:port (127.0.0.1:<port>).
func (p *Peer) Addr() string { return p.addr }

// Key returns the shared access key named KeyName.
func (p *Peer) Key() string { return p.key }

// ConnectionString returns a namespace connection string for the peer,
// as the Azure portal shows one: Endpoint=sb://<addr>/ with the key.
func (p *Peer) ConnectionString() string { return p.ConnectionStringWithKey(p.key) }

// ConnectionStringWithKey is ConnectionString with another key, for
// testing a wrong one.
func (p *Peer) ConnectionStringWithKey(key string) string {
	return "Endpoint=sb://" + p.addr + "/;SharedAccessKeyName=" + KeyName + ";SharedAccessKey=" + key
}

// CAPEM returns the PEM of the CA that signed the peer's certificate.
func (p *Peer) CAPEM() []byte { return p.ca.pem }

// CertPool returns a pool holding the peer's CA.
func (p *Peer) CertPool() *x509.CertPool { return p.ca.pool }

// HTTPClient returns a client that trusts the peer's CA and nothing else.
func (p *Peer) HTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: p.ca.pool, MinVersion: tls.VersionTLS12},
	}}
}

// Requests returns the number of requests served, authorized or not.
func (p *Peer) Requests() int64 { return p.requests.Load() }

// SetQueue creates the queue name, or sets its counts if it exists.
func (p *Peer) SetQueue(name string, c Counts) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queues[strings.ToLower(name)] = &queue{name: name, counts: c}
}

// SetSubscription creates the topic and its subscription as needed and
// sets the subscription's counts.
func (p *Peer) SetSubscription(topicName, sub string, c Counts) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.topics[strings.ToLower(topicName)]
	if t == nil {
		t = &topic{name: topicName, subs: map[string]*queue{}}
		p.topics[strings.ToLower(topicName)] = t
	}
	t.subs[strings.ToLower(sub)] = &queue{name: sub, counts: c}
}

// Delete removes the queue or topic name (with its subscriptions).
func (p *Peer) Delete(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.queues, strings.ToLower(name))
	delete(p.topics, strings.ToLower(name))
}
