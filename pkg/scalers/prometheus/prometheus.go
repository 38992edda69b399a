// Package prometheus is the prometheus trigger: it runs an instant PromQL
// query and scales on its single value, as KEDA's trigger of that name does.
// See docs/triggers/prometheus.md.
//
// Parameters (trigger metadata unless noted):
//
//   - serverAddress (required): the server's http or https base URL; the
//     query goes to <serverAddress>/api/v1/query.
//   - query (required): must yield a scalar or a one-element vector.
//   - threshold (required, > 0), activationThreshold (default 0).
//   - namespace: added as the query parameter namespace (Thanos, Cortex
//     tenants); cortexOrgID (deprecated in KEDA): the X-Scope-OrgID header.
//   - customHeaders and queryParameters: "k=v,k2=v2" lists.
//   - ignoreNullValues (default true): an empty result, NaN or ±Inf counts
//     0; when false it is an error.
//   - unsafeSsl: skip server certificate verification; timeout: the
//     request timeout in milliseconds (default 3000, KEDA's).
//   - authModes: comma list of basic, bearer, tls and custom, with
//     credentials only from TriggerAuthentication or `<name>FromEnv`:
//     username/password, bearerToken, cert/key, customAuthHeader/
//     customAuthValue; ca (extra trusted CAs, PEM) in every mode.
//
// The metric name suffix is "prometheus", as KEDA names it.
package prometheus

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/httpclient"
)

// Type is the trigger type name.
const Type = "prometheus"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	ServerAddress       string   `param:"serverAddress,required,from=metadata|env"`
	Query               string   `param:"query,required,from=metadata|env"`
	Threshold           float64  `param:"threshold,required"`
	ActivationThreshold float64  `param:"activationThreshold,default=0"`
	Namespace           string   `param:"namespace,from=metadata"`
	CortexOrgID         string   `param:"cortexOrgID,from=metadata"`
	CustomHeaders       []string `param:"customHeaders,from=metadata"`
	QueryParameters     []string `param:"queryParameters,from=metadata"`
	IgnoreNullValues    bool     `param:"ignoreNullValues,default=true"`
	UnsafeSSL           bool     `param:"unsafeSsl,default=false"`
	TimeoutMillis       int64    `param:"timeout,default=3000"`
	AuthModes           []string `param:"authModes,enum=basic|bearer|tls|custom,from=metadata|auth"`
	Username            string   `param:"username,from=auth|env"`
	Password            string   `param:"password,from=auth|env"`
	BearerToken         string   `param:"bearerToken,from=auth|env"`
	CustomAuthHeader    string   `param:"customAuthHeader,from=auth|env"`
	CustomAuthValue     string   `param:"customAuthValue,from=auth|env"`
	CA                  string   `param:"ca,from=auth|env"`
	Cert                string   `param:"cert,from=auth|env"`
	Key                 string   `param:"key,from=auth|env"`
}

func (p *params) mode(m string) bool { return slices.Contains(p.AuthModes, m) }

// New returns the prometheus constructor. Triggers with the same TLS
// material share an HTTP client from cache; a nil cache gets a private one
// of DefaultCacheSize.
func New(cache *ClientCache) scalers.Constructor {
	if cache == nil {
		cache = NewClientCache(DefaultCacheSize)
	}
	return func(cfg scalers.Config) (*scalers.Trigger, error) {
		return build(cfg, cache)
	}
}

func build(cfg scalers.Config, cache *ClientCache) (*scalers.Trigger, error) {
	var p params
	if err := scalers.Decode(cfg, &p); err != nil {
		return nil, err
	}
	q, err := validate(cfg, &p)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(cfg, &p)
	if err != nil {
		return nil, err
	}
	tlsKey := scalers.HashSecret(strconv.FormatBool(p.UnsafeSSL), p.CA, tlsCred(&p, p.Cert), tlsCred(&p, p.Key))
	client := cache.Client(tlsKey, func() *http.Client { return httpclient.New(tc) })
	return &scalers.Trigger{
		Key:              key(q, &p),
		Source:           newSource(&httpQuerier{client: client}, q, time.Duration(p.TimeoutMillis)*time.Millisecond, p.IgnoreNullValues),
		MetricName:       "prometheus",
		Target:           p.Threshold,
		ActivationTarget: p.ActivationThreshold,
		Warning:          warning(q, &p),
	}, nil
}

// validate checks what Decode cannot and returns the query to send.
func validate(cfg scalers.Config, p *params) (*query, error) {
	u, err := url.Parse(p.ServerAddress)
	if err != nil || u.Host == "" {
		// The address may hold a password: do not echo it.
		return nil, scalers.ParamErrorf(cfg, "serverAddress", "want an absolute http or https URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, scalers.ParamErrorf(cfg, "serverAddress", "want an http or https URL, got scheme %q", u.Scheme)
	}
	if p.Threshold <= 0 {
		return nil, scalers.ParamErrorf(cfg, "threshold", "want a number greater than 0, got %v", p.Threshold)
	}
	if p.ActivationThreshold < 0 {
		return nil, scalers.ParamErrorf(cfg, "activationThreshold", "want a number of at least 0, got %v", p.ActivationThreshold)
	}
	if p.TimeoutMillis <= 0 {
		return nil, scalers.ParamErrorf(cfg, "timeout", "want a number of milliseconds greater than 0, got %d", p.TimeoutMillis)
	}
	q := &query{server: u, promQL: p.Query, header: http.Header{}, params: url.Values{}}
	if err := parsePairs(p.CustomHeaders, func(k, v string) { q.header.Add(k, v) }); err != nil {
		return nil, scalers.ParamErrorf(cfg, "customHeaders", "%v", err)
	}
	if err := parsePairs(p.QueryParameters, func(k, v string) { q.params.Add(k, v) }); err != nil {
		return nil, scalers.ParamErrorf(cfg, "queryParameters", "%v", err)
	}
	if p.Namespace != "" {
		q.params.Set("namespace", p.Namespace)
	}
	if p.CortexOrgID != "" {
		q.header.Set("X-Scope-OrgID", p.CortexOrgID)
	}
	if err := auth(cfg, p, q); err != nil {
		return nil, err
	}
	return q, nil
}

// auth checks the credentials each auth mode needs and sets its headers.
func auth(cfg scalers.Config, p *params, q *query) error {
	need := []struct{ mode, name, v string }{
		{"basic", "username", p.Username},
		{"bearer", "bearerToken", p.BearerToken},
		{"tls", "cert", p.Cert},
		{"tls", "key", p.Key},
		{"custom", "customAuthHeader", p.CustomAuthHeader},
		{"custom", "customAuthValue", p.CustomAuthValue},
	}
	for _, n := range need {
		if p.mode(n.mode) && n.v == "" {
			return scalers.ParamErrorf(cfg, n.name, "%w for authModes %s (from TriggerAuthentication or %sFromEnv)",
				scalers.ErrMissingParam, n.mode, n.name)
		}
	}
	if p.mode("basic") && p.mode("bearer") {
		return scalers.ParamErrorf(cfg, "authModes", "basic and bearer both set the Authorization header; choose one")
	}
	switch {
	case p.mode("basic"):
		q.setSecretHeader("Authorization", basicAuth(p.Username, p.Password))
	case p.mode("bearer"):
		q.setSecretHeader("Authorization", "Bearer "+p.BearerToken)
	}
	if p.mode("custom") {
		if !validHeaderName(p.CustomAuthHeader) {
			return scalers.ParamErrorf(cfg, "customAuthHeader", "not a valid HTTP header name")
		}
		q.setSecretHeader(p.CustomAuthHeader, p.CustomAuthValue)
	}
	return nil
}

// parsePairs parses "k=v" elements and hands each to add.
func parsePairs(pairs []string, add func(k, v string)) error {
	for _, pair := range pairs {
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return fmt.Errorf("want key=value pairs separated by commas, got %q", pair)
		}
		add(k, strings.TrimSpace(v))
	}
	return nil
}

// tlsCred returns v when tls is among the auth modes, so that a cert or
// key given for nothing does not split the client cache.
func tlsCred(p *params, v string) string {
	if !p.mode("tls") {
		return ""
	}
	return v
}

// key identifies the source: type, server, query, tenant, headers and
// parameters, the null handling, and a hash of every credential.
func key(q *query, p *params) string {
	var userinfo string
	if q.server.User != nil {
		userinfo = q.server.User.String()
	}
	creds := scalers.HashSecret(strings.Join(p.AuthModes, ","), p.Username, p.Password, p.BearerToken,
		p.CustomAuthHeader, p.CustomAuthValue, p.CA, tlsCred(p, p.Cert), tlsCred(p, p.Key), userinfo,
		strconv.FormatBool(p.UnsafeSSL))
	return strings.Join([]string{
		Type, strconv.Quote(q.server.Redacted()), strconv.Quote(p.Query), strconv.Quote(q.params.Encode()),
		"headers=" + scalers.HashSecret(headerString(q.header)), "ignoreNullValues=" + strconv.FormatBool(p.IgnoreNullValues),
		"timeout=" + strconv.FormatInt(p.TimeoutMillis, 10), creds,
	}, " ")
}

func warning(q *query, p *params) string {
	var w []string
	if p.UnsafeSSL {
		w = append(w, "TLS certificate verification is disabled (unsafeSsl)")
	}
	if q.server.Scheme == "http" && (len(q.secretHeaders) > 0 || q.server.User != nil) {
		w = append(w, "credentials are sent over plain http")
	}
	return strings.Join(w, "; ")
}
