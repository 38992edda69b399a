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
	args := req.URL.Query()
	if req.Method == http.MethodPost && req.Body != nil {
		body, err := io.ReadAll(io.LimitReader(req.Body, MaxResponseBytes))
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read query arguments: %w", err)
		}
		if args, err = url.ParseQuery(string(body)); err != nil {
			return nil, errors.New("read query arguments: not a form")
		}
	}
	for k, vals := range t.q.params {
		if _, ok := args[k]; !ok { // the query and its time win over a parameter of the same name
			args[k] = vals
		}
	}
	u := *req.URL
	u.RawQuery = args.Encode()
	r, err := http.NewRequestWithContext(req.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		// The address may hold a password: do not echo it.
		return nil, errors.New("build request: invalid server address")
	}
	r.Header = t.q.headers()
	for k, vals := range req.Header {
		// Keep what http.Client set, such as basic auth from the URL's
		// user info, unless the trigger sets it; drop the form's headers.
		if _, ok := r.Header[k]; !ok && k != "Content-Type" && k != "Idempotency-Key" {
			r.Header[k] = vals
		}
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
