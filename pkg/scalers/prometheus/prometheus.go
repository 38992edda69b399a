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
//     tenants); cortexOrgID (removed in KEDA 2.12; kept here with a
//     warning): the X-Scope-OrgID header.
//   - customHeaders and queryParameters: "k=v,k2=v2" lists.
//   - ignoreNullValues (default true): an empty result, NaN or ±Inf counts
//     0; when false it is an error.
//   - unsafeSsl: skip server certificate verification; timeout: the
//     request timeout, a Go duration ("30s") or milliseconds (default 3s,
//     KEDA's).
//   - authModes (alias authMode): comma list of apiKey, basic, bearer,
//     custom, oauth and tls, as KEDA's shared HTTP authentication (see
//     httpclient.AuthParams); ca (extra trusted CAs, PEM) in every mode.
//   - awsRegion and identityOwner (cloud-managed Prometheus) are refused:
//     not supported.
//
// The metric name suffix is "prometheus", as KEDA names it.
package prometheus

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	AWSRegion           string   `param:"awsRegion,from=metadata|auth"`
	IdentityOwner       string   `param:"identityOwner,from=metadata"`
	httpclient.Params
}

// New returns the prometheus constructor. Triggers with the same TLS
// material share an HTTP client from cache; a nil cache gets a private one
// of DefaultCacheSize.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(DefaultCacheSize) }, build)
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	q, auth, err := validate(cfg, p)
	if err != nil {
		return nil, err
	}
	client, err := p.Client(cfg, auth, cache)
	if err != nil {
		return nil, err
	}
	api, err := newQuerier(client, q)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "serverAddress", "%v", err)
	}
	return &scalers.Trigger{
		Key:              key(q, p, auth),
		Source:           newSource(api, q, p.Timeout, p.IgnoreNullValues),
		MetricName:       "prometheus",
		Target:           p.Threshold,
		ActivationTarget: p.ActivationThreshold,
		Warning:          warning(q, p, auth),
	}, nil
}

// validate checks what Decode cannot and returns the query to send.
func validate(cfg scalers.Config, p *params) (*query, *httpclient.Auth, error) {
	u, err := httpclient.ParseURL(cfg, "serverAddress", p.ServerAddress)
	if err != nil {
		return nil, nil, err
	}
	if p.Threshold <= 0 {
		return nil, nil, scalers.ParamErrorf(cfg, "threshold", "want a number greater than 0, got %v", p.Threshold)
	}
	if p.ActivationThreshold < 0 {
		return nil, nil, scalers.ParamErrorf(cfg, "activationThreshold", "want a number of at least 0, got %v", p.ActivationThreshold)
	}
	if p.AWSRegion != "" {
		return nil, nil, scalers.ParamErrorf(cfg, "awsRegion", "Amazon Managed Prometheus (SigV4) is not supported by sluice")
	}
	if p.IdentityOwner != "" {
		return nil, nil, scalers.ParamErrorf(cfg, "identityOwner", "pod identity (Amazon, Azure, Google managed Prometheus) is not supported by sluice")
	}
	p.Timeout = p.TimeoutOrDefault()
	q := &query{server: u, promQL: p.Query, header: http.Header{}, params: url.Values{}}
	if err := parsePairs(p.CustomHeaders, func(k, v string) { q.header.Add(k, v) }); err != nil {
		return nil, nil, scalers.ParamErrorf(cfg, "customHeaders", "%v", err)
	}
	if err := parsePairs(p.QueryParameters, func(k, v string) { q.params.Add(k, v) }); err != nil {
		return nil, nil, scalers.ParamErrorf(cfg, "queryParameters", "%v", err)
	}
	if p.Namespace != "" {
		q.params.Set("namespace", p.Namespace)
	}
	if p.CortexOrgID != "" {
		q.header.Set("X-Scope-OrgID", p.CortexOrgID)
	}
	auth, err := httpclient.ResolveAuth(cfg, &p.AuthParams)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range auth.Header {
		q.setSecretHeader(k, v[0])
	}
	for k, v := range auth.Query {
		q.params[k] = v
	}
	q.secrets = append(q.secrets, auth.Secrets...)
	return q, auth, nil
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

// key identifies the source: type, server, query, tenant, headers and
// parameters, the null handling, and a hash of every credential.
func key(q *query, p *params, a *httpclient.Auth) string {
	var userinfo string
	if q.server.User != nil {
		userinfo = q.server.User.String()
	}
	creds := scalers.HashSecret(append([]string{strings.Join(a.Modes, ","), userinfo, p.CA, p.Cert, p.Key,
		p.ClientID, p.OAuthTokenURI, strconv.FormatBool(p.UnsafeSSL)}, a.Secrets...)...)
	return strings.Join([]string{
		Type, strconv.Quote(q.server.Redacted()), strconv.Quote(p.Query), "params=" + scalers.HashSecret(q.params.Encode()),
		"headers=" + scalers.HashSecret(headerString(q.header), headerString(q.secretHeaders)),
		"ignoreNullValues=" + strconv.FormatBool(p.IgnoreNullValues), "timeout=" + p.Timeout.String(), creds,
	}, " ")
}

func warning(q *query, p *params, a *httpclient.Auth) string {
	var w []string
	if a.Warning != "" {
		w = append(w, a.Warning)
	}
	if p.CortexOrgID != "" {
		w = append(w, "cortexOrgID was removed in KEDA 2.12 (sluice still sends it as X-Scope-OrgID); use customHeaders: X-Scope-OrgID=<org>")
	}
	if p.UnsafeSSL {
		w = append(w, "TLS certificate verification is disabled (unsafeSsl)")
	}
	if q.server.Scheme == "http" && (len(q.secretHeaders) > 0 || len(a.Query) > 0 || q.server.User != nil) {
		w = append(w, "credentials are sent over plain http")
	}
	return strings.Join(w, "; ")
}
