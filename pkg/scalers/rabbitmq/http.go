package rabbitmq

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/httpclient"
)

// maxPages bounds how many pages of a regex listing one poll reads.
const maxPages = 100

// httpReader reads queues from the management HTTP API. Plain net/http:
// the maintained Go client (michaelklishin/rabbit-hole v2) takes no
// context, so a poll could not be cancelled.
type httpReader struct {
	client     *http.Client
	base       string // scheme://host:port/prefix, no credentials
	redacted   string
	user, pass string
	auth       bool
}

func newHTTPReader(t *target, tc *tls.Config) *httpReader {
	return &httpReader{
		client: httpclient.New(tc), base: t.scheme + "://" + t.addr + t.prefix,
		redacted: t.redacted(), user: t.user, pass: t.pass, auth: t.hasUser,
	}
}

// apiQueue is the part of a queue object of the management API we read.
type apiQueue struct {
	Messages      float64 `json:"messages"`
	MessagesReady float64 `json:"messages_ready"`
	MessageStats  struct {
		PublishDetails    struct{ Rate float64 } `json:"publish_details"`
		DeliverGetDetails struct{ Rate float64 } `json:"deliver_get_details"`
	} `json:"message_stats"`
}

func (q *apiQueue) stats() stats {
	return stats{messages: q.Messages, ready: q.MessagesReady,
		publishRate: q.MessageStats.PublishDetails.Rate, deliverRate: q.MessageStats.DeliverGetDetails.Rate}
}

// queue implements reader with GET /api/queues/<vhost>/<name>.
func (r *httpReader) queue(ctx context.Context, vhost, name string) (stats, error) {
	var q apiQueue
	path := "/api/queues/" + url.PathEscape(vhost) + "/" + url.PathEscape(name)
	if err := r.get(ctx, path, &q); err != nil {
		if errors.Is(err, errNotFound) {
			return stats{}, fmt.Errorf("not found in vhost %q at %s", vhost, r.redacted)
		}
		return stats{}, err
	}
	return q.stats(), nil
}

// matching implements reader with GET /api/queues/<vhost>?use_regex=true,
// page by page.
func (r *httpReader) matching(ctx context.Context, vhost, regex string, pageSize int64) ([]stats, error) {
	var out []stats
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {strconv.FormatInt(pageSize, 10)},
			"name": {regex}, "use_regex": {"true"}}
		var resp struct {
			Items     []apiQueue `json:"items"`
			PageCount int        `json:"page_count"`
		}
		if err := r.get(ctx, "/api/queues/"+url.PathEscape(vhost)+"?"+q.Encode(), &resp); err != nil {
			if errors.Is(err, errNotFound) {
				return nil, fmt.Errorf("vhost %q not found at %s", vhost, r.redacted)
			}
			return nil, err
		}
		for i := range resp.Items {
			out = append(out, resp.Items[i].stats())
		}
		if page >= resp.PageCount {
			return out, nil
		}
		if page == maxPages {
			return nil, fmt.Errorf("regex %q matches more than %d pages of %d queues in vhost %q", regex, maxPages, pageSize, vhost)
		}
	}
}

// errNotFound marks a 404 answer.
var errNotFound = errors.New("not found")

// get fetches path and decodes the JSON answer into out.
func (r *httpReader) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", r.redacted, err)
	}
	if r.auth {
		req.SetBasicAuth(r.user, r.pass)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		// The URL in the error holds no credentials: they go in a header.
		return fmt.Errorf("query the management API: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return errNotFound
	case resp.StatusCode != http.StatusOK:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("management API at %s answered %s: %s", r.redacted, resp.Status, strings.TrimSpace(string(body)))
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return fmt.Errorf("decode the management API's answer from %s: %w", r.redacted, err)
	}
	return nil
}

// close implements reader.
func (r *httpReader) close() { r.client.CloseIdleConnections() }
