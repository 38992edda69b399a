package metricsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/httpclient"
)

// MaxResponseBytes is the largest response body a poll accepts.
const MaxResponseBytes = 4 << 20

// snippetBytes bounds the part of an error response quoted in an error.
const snippetBytes = 96

// source polls one metrics-api endpoint.
type source struct {
	client  *http.Client
	url     string // with the API key when it goes in the query
	header  http.Header
	format  string
	loc     string
	sel     *selector
	secrets []string // redacted from any response quoted in errors
	timeout time.Duration
}

var _ scalers.Source = (*source)(nil)

func newSource(client *http.Client, u *url.URL, p *params, a *httpclient.Auth, sel *selector) *source {
	s := &source{client: client, header: a.Header.Clone(), format: p.Format, loc: p.ValueLocation, sel: sel, timeout: p.Timeout}
	switch p.Format {
	case "prometheus":
		s.header.Set("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")
	case "yaml":
		s.header.Set("Accept", "application/yaml,*/*;q=0.1")
	default:
		s.header.Set("Accept", "application/json")
	}
	s.secrets = append(s.secrets, a.Secrets...)
	if len(a.Query) > 0 {
		u2 := *u
		q := u2.Query()
		for k, v := range a.Query {
			q[k] = v
		}
		u2.RawQuery = q.Encode()
		u = &u2
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		s.secrets = append(s.secrets, u.User.Username(), pw)
	}
	s.url = u.String()
	return s
}

// Poll implements scalers.Source. Errors never hold the URL (it may carry
// an API key) nor more than a short, redacted snippet of a response.
func (s *source) Poll(ctx context.Context) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return 0, errors.New("build request: invalid URL")
	}
	req.Header = s.header.Clone()
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the URL.
		}
		return 0, fmt.Errorf("get metrics: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, fmt.Errorf("get metrics: unexpected status %d%s", resp.StatusCode, s.snippet(resp.Body))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return 0, fmt.Errorf("read response: %w", err)
	}
	if len(body) > MaxResponseBytes {
		return 0, fmt.Errorf("read response: larger than %d bytes", MaxResponseBytes)
	}
	switch s.format {
	case "prometheus":
		return prometheusValue(body, s.sel)
	case "yaml":
		return yamlValue(body, s.loc)
	}
	return jsonValue(body, s.loc)
}

// snippet returns `: "<start of body>"` with credentials redacted and
// control characters replaced, or "" for an empty body.
func (s *source) snippet(body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, 4096))
	text := string(b)
	for _, secret := range s.secrets {
		if len(secret) >= 3 { // shorter ones would mangle the text, not hide much
			text = strings.ReplaceAll(text, secret, "[redacted]")
		}
	}
	text = strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	if r := []rune(text); len(r) > snippetBytes {
		text = string(r[:snippetBytes]) + "…"
	}
	return fmt.Sprintf(": %q", text)
}
