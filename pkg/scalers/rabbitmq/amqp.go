package rabbitmq

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// errClosed is returned by a reader whose last trigger has gone.
var errClosed = errors.New("connection closed: no trigger uses it")

// amqpReader reads queues with passive declares over one AMQP connection
// and one channel, opened on the first read and opened again after either
// breaks. Reads are serialized: a channel is one conversation.
type amqpReader struct {
	dialURL  string // scheme://host:port/, no credentials
	redacted string
	config   amqp.Config

	sem     chan struct{} // held by the read in progress
	closed  bool
	netConn net.Conn
	conn    *amqp.Connection
	ch      *amqp.Channel
}

func newAMQPReader(t *target, tc *tls.Config) *amqpReader {
	cfg := amqp.Config{
		Vhost:           t.vhost,
		TLSClientConfig: tc,
		Properties:      amqp.Table{"connection_name": "sluice-adapter"},
		Locale:          "en_US",
	}
	switch {
	case t.hasUser:
		cfg.SASL = []amqp.Authentication{&amqp.PlainAuth{Username: t.user, Password: t.pass}}
	case tc != nil && len(tc.Certificates) > 0:
		// A client certificate and no credentials: RabbitMQ derives the
		// user from the certificate (SASL EXTERNAL), as with KEDA.
		cfg.SASL = []amqp.Authentication{&amqp.ExternalAuth{}}
	default:
		cfg.SASL = []amqp.Authentication{&amqp.PlainAuth{Username: "guest", Password: "guest"}} // amqp091's default
	}
	u := url.URL{Scheme: t.scheme, Host: t.addr, Path: "/"}
	return &amqpReader{dialURL: u.String(), redacted: t.redacted(), config: cfg, sem: make(chan struct{}, 1)}
}

// queue implements reader: the ready message count; AMQP has no rates.
func (r *amqpReader) queue(ctx context.Context, vhost, name string) (stats, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return stats{}, fmt.Errorf("wait for the connection to %s: %w", r.redacted, ctx.Err())
	}
	defer func() { <-r.sem }()
	if r.closed {
		return stats{}, errClosed
	}
	if err := r.open(ctx); err != nil {
		return stats{}, err
	}
	var q amqp.Queue
	ch := r.ch
	err := r.call(ctx, func() (err error) {
		q, err = ch.QueueDeclarePassive(name, false, false, false, false, nil)
		return err
	})
	if err != nil {
		var ae *amqp.Error
		if errors.As(err, &ae) && ae.Code == amqp.NotFound {
			r.ch = nil // the broker closed the channel
			return stats{}, fmt.Errorf("not found in vhost %q at %s", vhost, r.redacted)
		}
		r.reset()
		return stats{}, fmt.Errorf("declare queue %q passively at %s: %w", name, r.redacted, err)
	}
	return stats{messages: float64(q.Messages), ready: float64(q.Messages)}, nil
}

// matching implements reader; AMQP cannot list queues (the constructor
// allows useRegex over http only).
func (r *amqpReader) matching(context.Context, string, string, int64) ([]stats, error) {
	return nil, errors.New("useRegex needs the management API")
}

// open connects and opens the channel unless both are open.
func (r *amqpReader) open(ctx context.Context) error {
	if r.conn != nil && r.conn.IsClosed() {
		r.reset()
	}
	if r.conn == nil {
		cfg := r.config
		cfg.Dial = func(network, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			deadline, ok := ctx.Deadline()
			if !ok {
				deadline = time.Now().Add(30 * time.Second)
			}
			_ = c.SetDeadline(deadline) // amqp091 clears it after the handshake
			r.netConn = c
			return c, nil
		}
		conn, err := amqp.DialConfig(r.dialURL, cfg)
		if err != nil {
			r.reset()
			return fmt.Errorf("connect to %s: %w", r.redacted, err)
		}
		r.conn = conn
	}
	if r.ch == nil || r.ch.IsClosed() {
		var ch *amqp.Channel
		conn := r.conn
		err := r.call(ctx, func() (err error) {
			ch, err = conn.Channel()
			return err
		})
		if err != nil {
			r.reset()
			return fmt.Errorf("open a channel to %s: %w", r.redacted, err)
		}
		r.ch = ch
	}
	return nil
}

// call runs fn, which blocks on the broker, until it returns or ctx ends;
// then the connection is torn down, so that none is left half-open.
func (r *amqpReader) call(ctx context.Context, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		r.reset()
		err := <-done // fn returns once the socket is closed
		return fmt.Errorf("%w (connection torn down: %w)", ctx.Err(), err)
	}
}

// reset tears the connection down: closing the socket ends amqp091's
// reader, which closes the connection and its channels.
func (r *amqpReader) reset() {
	if r.netConn != nil {
		_ = r.netConn.Close()
	}
	r.netConn, r.conn, r.ch = nil, nil, nil
}

// close implements reader.
func (r *amqpReader) close() {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	r.closed = true
	r.reset()
}
