package prometheus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file is the only one that knows Prometheus's HTTP API.

// MaxResponseBytes is the largest query response a poll accepts.
const MaxResponseBytes = 4 << 20

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

// httpQuerier is querier over GET /api/v1/query.
type httpQuerier struct {
	client *http.Client
}

var _ querier = (*httpQuerier)(nil)

// apiResponse is the envelope of every Prometheus API response.
type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

func (h *httpQuerier) instant(ctx context.Context, q *query, at time.Time) (*queryResult, error) {
	extra := url.Values{"query": {q.promQL}, "time": {strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, q.endpoint(extra), nil)
	if err != nil {
		return nil, errors.New("build request: invalid server address")
	}
	req.Header = q.headers()
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the URL, which may hold a password.
		}
		return nil, fmt.Errorf("query prometheus: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if len(body) > MaxResponseBytes {
		return nil, fmt.Errorf("read response: larger than %d bytes", MaxResponseBytes)
	}
	var r apiResponse
	jsonErr := json.Unmarshal(body, &r)
	switch {
	case jsonErr == nil && r.Status == "error":
		return nil, fmt.Errorf("query prometheus: status %d: %s: %s", resp.StatusCode, r.ErrorType, redact(r.Error, q.secrets, 4*snippetRunes))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("query prometheus: unexpected status %d%s", resp.StatusCode, quote(redact(string(body), q.secrets, snippetRunes)))
	case jsonErr != nil:
		return nil, fmt.Errorf("decode response: %w", jsonErr)
	case r.Status != "success":
		return nil, fmt.Errorf("decode response: unexpected status %q", r.Status)
	}
	return decodeResult(r.Data.ResultType, r.Data.Result)
}

// decodeResult reads the sample values of a result.
func decodeResult(kind string, raw json.RawMessage) (*queryResult, error) {
	res := &queryResult{resultType: kind}
	switch kind {
	case "vector":
		var series []struct {
			Value []json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &series); err != nil {
			return nil, fmt.Errorf("decode vector: %w", err)
		}
		for _, s := range series {
			v, err := sampleValue(s.Value)
			if err != nil {
				return nil, err
			}
			res.values = append(res.values, v)
		}
	case "scalar":
		var sample []json.RawMessage
		if err := json.Unmarshal(raw, &sample); err != nil {
			return nil, fmt.Errorf("decode scalar: %w", err)
		}
		v, err := sampleValue(sample)
		if err != nil {
			return nil, err
		}
		res.values = []float64{v}
	}
	return res, nil
}

// sampleValue reads the value of a [<time>, "<value>"] pair. Prometheus
// writes NaN, +Inf and -Inf as such; ParseFloat reads them.
func sampleValue(pair []json.RawMessage) (float64, error) {
	if len(pair) != 2 {
		return 0, fmt.Errorf("decode sample: want [time, value], got %d elements", len(pair))
	}
	var s string
	if err := json.Unmarshal(pair[1], &s); err != nil {
		return 0, fmt.Errorf("decode sample value: %w", err)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("decode sample value %q: not a number", s)
	}
	return v, nil
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
