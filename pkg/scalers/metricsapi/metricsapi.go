// Package metricsapi is the metrics-api trigger: it polls an HTTP endpoint
// and reads one number from the response, as KEDA's trigger of that name
// does.
//
// Parameters (trigger metadata unless noted):
//
//   - url (required): the http or https URL to GET.
//   - valueLocation (required): for format json, a GJSON path
//     (github.com/tidwall/gjson); for format prometheus, a metric name
//     optionally followed by equality label matchers, e.g.
//     queue_depth{queue="a"}, which must select exactly one series. For
//     summaries and histograms select <name>_count or <name>_sum.
//   - targetValue (required, > 0; may be omitted when the trigger only
//     feeds a scalingModifiers formula, as in KEDA), activationTargetValue
//     (default 0).
//   - format: json (default), yaml (converted to JSON, then read like json)
//     or prometheus (text exposition format). KEDA's xml is refused with a
//     clear error: it cannot read any document in KEDA either.
//   - unsafeSsl: skip server certificate verification (default false).
//   - timeout: per-request timeout, a Go duration ("30s") or milliseconds
//     (default 3s, KEDA's global default).
//   - aggregateFromKubeServiceEndpoints (true is refused: not supported) and
//     aggregationType (average, sum, max, min; checked, no effect without it).
//   - authModes (alias authMode): a comma list of apiKey, basic, bearer,
//     custom, oauth and tls, as KEDA's shared HTTP authentication; see
//     httpclient.AuthParams for the credentials of each.
//
// The value may be a JSON number, a numeric string or a Kubernetes quantity
// string such as "1.5k". The metric name suffix is "metric-api-" followed by
// valueLocation, as KEDA names it.
package metricsapi

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/httpclient"
)

// Type is the trigger type name.
const Type = "metrics-api"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	URL              string  `param:"url,required,from=metadata|env"`
	ValueLocation    string  `param:"valueLocation,required,from=metadata|env"`
	Target           float64 `param:"targetValue"` // required unless cfg.AsMetricSource: see targetParam
	ActivationTarget float64 `param:"activationTargetValue,default=0"`
	Format           string  `param:"format,default=json,enum=json|prometheus|xml|yaml"`
	Aggregate        bool    `param:"aggregateFromKubeServiceEndpoints,default=false,from=metadata"`
	AggregationType  string  `param:"aggregationType,default=average,enum=average|sum|max|min,from=metadata"`
	httpclient.Params
}

// New returns the metrics-api constructor. Triggers with the same TLS
// material share an HTTP client from cache; a nil cache gets a private one
// of DefaultCacheSize.
func New(cache *ClientCache) scalers.Constructor {
	return scalers.Shared(cache, func() *ClientCache { return NewClientCache(DefaultCacheSize) }, build)
}

// targetParam makes targetValue required for a trigger that scales on its
// own; one that only feeds a scalingModifiers formula may omit it.
type targetParam struct {
	Target float64 `param:"targetValue,required"`
}

func build(cfg scalers.Config, p *params, cache *ClientCache) (*scalers.Trigger, error) {
	if !cfg.AsMetricSource {
		if err := scalers.Decode(cfg, &targetParam{}); err != nil {
			return nil, err
		}
	}
	u, err := validate(cfg, p)
	if err != nil {
		return nil, err
	}
	auth, err := httpclient.ResolveAuth(cfg, &p.AuthParams)
	if err != nil {
		return nil, err
	}
	var sel *selector
	if p.Format == "prometheus" {
		if sel, err = parseSelector(p.ValueLocation); err != nil {
			return nil, scalers.ParamErrorf(cfg, "valueLocation", "%v", err)
		}
	}
	client, err := p.Client(cfg, auth, cache)
	if err != nil {
		return nil, err
	}
	src := newSource(client, u, p, auth, sel)
	return &scalers.Trigger{
		Key:              key(u, p, auth),
		Source:           src,
		MetricName:       "metric-api-" + p.ValueLocation,
		Target:           p.Target,
		ActivationTarget: p.ActivationTarget,
		Warning:          warning(u, p, auth),
	}, nil
}

// validate checks what Decode cannot and returns the parsed URL.
func validate(cfg scalers.Config, p *params) (*url.URL, error) {
	u, err := httpclient.ParseURL(cfg, "url", p.URL)
	if err != nil {
		return nil, err
	}
	if p.Target < 0 || (p.Target == 0 && !cfg.AsMetricSource) {
		return nil, scalers.ParamErrorf(cfg, "targetValue", "want a number greater than 0, got %v", p.Target)
	}
	if p.ActivationTarget < 0 {
		return nil, scalers.ParamErrorf(cfg, "activationTargetValue", "want a number of at least 0, got %v", p.ActivationTarget)
	}
	if p.Format == "xml" {
		// KEDA's xml decodes into a map, which encoding/xml refuses, so no
		// document ever yields a value there; refuse it up front.
		return nil, scalers.ParamErrorf(cfg, "format", "xml is not supported (KEDA's xml format cannot read any document); use json, yaml or prometheus")
	}
	if p.Aggregate {
		return nil, scalers.ParamErrorf(cfg, "aggregateFromKubeServiceEndpoints", "is not supported by sluice (it polls the url as given); point url at one endpoint or an aggregating service")
	}
	p.Timeout = p.TimeoutOrDefault()
	return u, nil
}

// key identifies the source: type, address, query, format, timeout, auth
// shape and a hash of every credential, including a password in the URL.
func key(u *url.URL, p *params, a *httpclient.Auth) string {
	var userinfo string
	if u.User != nil {
		userinfo = u.User.String()
	}
	creds := scalers.HashSecret(append([]string{userinfo, p.CA, p.Cert, p.Key, p.ClientID, p.OAuthTokenURI,
		headerString(a.Header), a.Query.Encode()}, a.Secrets...)...)
	return strings.Join([]string{
		Type, strconv.Quote(u.Redacted()), strconv.Quote(p.ValueLocation), p.Format, strings.Join(a.Modes, ","),
		"timeout=" + p.Timeout.String(), "unsafeSsl=" + strconv.FormatBool(p.UnsafeSSL), creds,
	}, " ")
}

func warning(u *url.URL, p *params, a *httpclient.Auth) string {
	var w []string
	if a.Warning != "" {
		w = append(w, a.Warning)
	}
	if p.UnsafeSSL {
		w = append(w, "TLS certificate verification is disabled (unsafeSsl)")
	}
	if u.Scheme == "http" && (len(a.Header) > 0 || len(a.Query) > 0 || u.User != nil) {
		w = append(w, fmt.Sprintf("credentials (authModes %s) are sent over plain http", strings.Join(a.Modes, ",")))
	}
	return strings.Join(w, "; ")
}

// headerString renders h in a stable order, for keys.
func headerString(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b.WriteString(k + "=" + strings.Join(h[k], ",") + ";")
	}
	return b.String()
}
