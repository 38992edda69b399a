package prometheus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// This file and transport.go are the only ones that know Prometheus's HTTP
// API, through client_golang's API client.

// snippetRunes bounds the part of an error response quoted in an error.
const snippetRunes = 160

// querier runs instant queries. Errors never hold credentials.
type querier interface {
	instant(ctx context.Context, q *query, at time.Time) (*queryResult, error)
}

// queryResult is the data of a successful instant query.
type queryResult struct {
	// resultType is Prometheus's: vector, scalar, matrix or string.
	resultType string
	// values are the sample values: one per series of a vector, one for a
	// scalar, none otherwise.
	values []float64
}

// apiQuerier is querier over client_golang's v1 API, for one query.
type apiQuerier struct {
	api v1.API
}

var _ querier = (*apiQuerier)(nil)

// newQuerier returns the querier for q over client, whose transport the
// query's headers, parameters and response bound wrap (see queryTransport).
func newQuerier(client *http.Client, q *query) (*apiQuerier, error) {
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c, err := api.NewClient(api.Config{
		Address: q.server.String(),
		Client:  &http.Client{Transport: &queryTransport{base: base, q: q}, Timeout: client.Timeout},
	})
	if err != nil {
		// The address may hold a password: do not echo it.
		return nil, errors.New("prometheus client: invalid server address")
	}
	return &apiQuerier{api: v1.NewAPI(c)}, nil
}

func (a *apiQuerier) instant(ctx context.Context, q *query, at time.Time) (*queryResult, error) {
	status := new(int) // set by queryTransport: the client does not tell it
	v, _, _, err := a.api.Query(context.WithValue(ctx, statusKey{}, status), q.promQL, at)
	if err != nil {
		return nil, describe(err, *status, q.secrets)
	}
	return fromValue(v)
}

// statusKey is the context key under which queryTransport stores the
// response's status code in an *int.
type statusKey struct{}

// describe turns a client error into Sluice's, without credentials: the
// server's own error, a bad status with a cut and redacted body, or the
// transport's error without the URL.
func describe(err error, status int, secrets []string) error {
	var apiErr *v1.Error
	var urlErr *url.Error
	switch {
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("read response: %w", err)
	case errors.As(err, &apiErr) && apiErr.Detail != "":
		// A status other than 2xx, 400 and 422: client_golang reads
		// Prometheus's error only for those, but a query timeout is a
		// 503 with one. Any other body is a proxy's or load balancer's.
		var e struct {
			Status    string `json:"status"`
			ErrorType string `json:"errorType"`
			Error     string `json:"error"`
		}
		if json.Unmarshal([]byte(apiErr.Detail), &e) == nil && e.Status == "error" && e.ErrorType != "" {
			return fmt.Errorf("query prometheus: status %d: %s: %s", status, e.ErrorType, redact(e.Error, secrets, 4*snippetRunes))
		}
		return fmt.Errorf("query prometheus: unexpected status %d%s", status, quote(redact(apiErr.Detail, secrets, snippetRunes)))
	case errors.As(err, &apiErr) && apiErr.Type == v1.ErrBadResponse:
		return fmt.Errorf("decode response: %s", redact(apiErr.Msg, secrets, snippetRunes))
	case errors.As(err, &apiErr):
		return fmt.Errorf("query prometheus: status %d: %s: %s", status, apiErr.Type, redact(apiErr.Msg, secrets, 4*snippetRunes))
	case errors.As(err, &urlErr):
		// url.Error prints the URL, which may hold a password.
		return fmt.Errorf("query prometheus: %w", urlErr.Err)
	}
	return fmt.Errorf("query prometheus: %w", err)
}

// fromValue reads the sample values of a result.
func fromValue(v model.Value) (*queryResult, error) {
	if v == nil {
		return nil, errors.New("decode response: no result")
	}
	res := &queryResult{resultType: v.Type().String()}
	switch v := v.(type) {
	case model.Vector:
		for _, s := range v {
			if s.Histogram != nil {
				return nil, errors.New("query returned a native histogram; want a number, for example with histogram_count(...)")
			}
			res.values = append(res.values, float64(s.Value))
		}
	case *model.Scalar:
		res.values = []float64{float64(v.Value)}
	}
	return res, nil
}

// redact replaces secrets in text, control characters with spaces, and
// cuts it to max runes.
func redact(text string, secrets []string, max int) string {
	for _, secret := range secrets {
		if len(secret) >= 3 { // shorter ones would mangle the text, not hide much
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, text))
	if r := []rune(text); len(r) > max {
		text = string(r[:max]) + "…"
	}
	return text
}

func quote(s string) string {
	if s == "" {
		return ""
	}
	return ": " + strconv.Quote(s)
}
