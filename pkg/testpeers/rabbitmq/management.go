package rabbitmq

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// AMQPURL returns amqp://User:Password@127.0.0.1:<port>/<vhost>, the vhost
// path-escaped ("/" becomes %2F); an empty vhost leaves the path out.
func (b *Broker) AMQPURL(vhost string) string {
	return b.url("amqp", b.AMQPPort, vhost)
}

// ManagementURL returns http://User:Password@127.0.0.1:<port>/<vhost> in the
// form KEDA's rabbitmq trigger reads, the vhost as in AMQPURL.
func (b *Broker) ManagementURL(vhost string) string {
	return b.url("http", b.ManagementPort, vhost)
}

func (b *Broker) url(scheme string, port int, vhost string) string {
	u := url.URL{Scheme: scheme, User: url.UserPassword(User, b.Password), Host: "127.0.0.1:" + strconv.Itoa(port), Path: "/"}
	if vhost != "" {
		u.Path = "/" + vhost
		u.RawPath = "/" + url.PathEscape(vhost)
	}
	return u.String()
}

// AddVhost creates the virtual host name and gives User all permissions on
// it, through the management API.
func (b *Broker) AddVhost(ctx context.Context, name string) error {
	v := url.PathEscape(name)
	if err := b.managementPut(ctx, "/api/vhosts/"+v, `{}`); err != nil {
		return fmt.Errorf("add vhost %q: %w", name, err)
	}
	if err := b.managementPut(ctx, "/api/permissions/"+v+"/"+User, `{"configure":".*","write":".*","read":".*"}`); err != nil {
		return fmt.Errorf("grant vhost %q: %w", name, err)
	}
	return nil
}

// managementPut sends a PUT with a JSON body and wants a 2xx answer.
func (b *Broker) managementPut(ctx context.Context, path, body string) error {
	code, resp, err := b.managementDo(ctx, http.MethodPut, path, []byte(body))
	if err != nil {
		return err
	}
	if code/100 != 2 {
		return fmt.Errorf("PUT %s: %d %s", path, code, resp)
	}
	return nil
}

// managementGet fetches path of the management API as User.
func (b *Broker) managementGet(ctx context.Context, path string) (int, []byte, error) {
	return b.managementDo(ctx, http.MethodGet, path, nil)
}

// ManagementGet fetches path (for example /api/queues/%2F/q) from the
// management API as User and returns the status code and at most 1 MiB of
// body.
func (b *Broker) ManagementGet(ctx context.Context, path string) (int, []byte, error) {
	return b.managementGet(ctx, path)
}

func (b *Broker) managementDo(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	u := "http://127.0.0.1:" + strconv.Itoa(b.ManagementPort) + path
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("build request: %w", err)
	}
	req.SetBasicAuth(User, b.Password)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, out, nil
}
