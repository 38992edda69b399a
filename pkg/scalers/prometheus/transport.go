package prometheus

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// MaxResponseBytes is the largest query response a poll accepts.
const MaxResponseBytes = 4 << 20

// errTooLarge is returned by a response body read past MaxResponseBytes.
var errTooLarge = fmt.Errorf("larger than %d bytes", MaxResponseBytes)

// queryTransport puts one trigger's query on the wire as KEDA does: a GET
// of /api/v1/query with the arguments in the URL (client_golang posts a
// form first), the trigger's parameters (namespace, queryParameters, API
// key) beside them, and its headers (customHeaders, tenant, credentials).
// It bounds the response to MaxResponseBytes and reports its status code
// through the request context (statusKey).
type queryTransport struct {
	base http.RoundTripper
	q    *query
}

func (t *queryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	args := r.URL.Query()
	if r.Method == http.MethodPost && r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes))
		_ = r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read query arguments: %w", err)
		}
		if args, err = url.ParseQuery(string(body)); err != nil {
			return nil, errors.New("read query arguments: not a form")
		}
		r.Method, r.Body, r.GetBody, r.ContentLength = http.MethodGet, nil, nil, 0
		r.Header.Del("Content-Type")
		delete(r.Header, "Idempotency-Key")
	}
	v := url.Values{}
	for k, vals := range t.q.params {
		v[k] = vals
	}
	for k, vals := range args {
		v[k] = vals // the query and its time win over a parameter of the same name
	}
	r.URL.RawQuery = v.Encode()
	for k, vals := range t.q.headers() {
		r.Header[k] = vals
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if status, ok := r.Context().Value(statusKey{}).(*int); ok {
		*status = resp.StatusCode
	}
	resp.Body = &boundedBody{ReadCloser: resp.Body, left: MaxResponseBytes}
	return resp, nil
}

// boundedBody fails a read past its limit with errTooLarge.
type boundedBody struct {
	io.ReadCloser
	left int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, errTooLarge
		} else if err != nil {
			return 0, err
		}
		return 0, nil
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
