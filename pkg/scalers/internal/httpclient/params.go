package httpclient

import (
	"net/http"
	"net/url"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// ParseURL parses raw, the value of cfg's parameter param, as an absolute
// http or https URL. Errors are *scalers.ParamError on param; they never
// echo raw, which may hold a password.
func ParseURL(cfg scalers.Config, param, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, scalers.ParamErrorf(cfg, param, "want an absolute http or https URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, scalers.ParamErrorf(cfg, param, "want an http or https URL, got scheme %q", u.Scheme)
	}
	return u, nil
}

// Client returns the HTTP client of a trigger with parameters p and
// resolved authentication a: a client from cache shared by every trigger
// with the same TLS material, wrapped for a (see Auth.Client). Errors name
// the parameter (ca, cert, key) of cfg's trigger, never its content.
func (p *Params) Client(cfg scalers.Config, a *Auth, cache *Cache) (*http.Client, error) {
	m := TLS{UnsafeSSL: p.UnsafeSSL, CA: p.CA, ClientCert: a.Has("tls"), Cert: p.Cert, Key: p.Key}
	tc, err := m.Config(cfg)
	if err != nil {
		return nil, err
	}
	return a.Client(cache.Client(m.Hash(), func() *http.Client { return New(tc) })), nil
}
