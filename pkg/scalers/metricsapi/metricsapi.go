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
//   - targetValue (required, > 0), activationTargetValue (default 0).
//   - format: json (default) or prometheus (text exposition format). KEDA's
//     xml and yaml are not supported.
//   - unsafeSsl: skip server certificate verification (default false).
//   - authMode: none (default), basic, bearer, apiKey or tls. method
//     (header or query, default header) and keyParamName (default
//     X-API-KEY for header, api_key for query) shape apiKey requests.
//   - Credentials come only from TriggerAuthentication or `<name>FromEnv`:
//     username and password (basic), token (bearer), apiKey (apiKey), cert
//     and key in PEM (tls). ca, a PEM bundle of extra trusted CAs, is
//     honoured in every mode.
//
// The value may be a JSON number, a numeric string or a Kubernetes quantity
// string such as "1.5k". The metric name suffix is "metric-api-" followed by
// valueLocation, as KEDA names it.
package metricsapi

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
const Type = "metrics-api"

// params are the trigger's parameters, decoded by scalers.Decode.
type params struct {
	URL              string  `param:"url,required,from=metadata|env"`
	ValueLocation    string  `param:"valueLocation,required,from=metadata|env"`
	Target           float64 `param:"targetValue,required"`
	ActivationTarget float64 `param:"activationTargetValue,default=0"`
	Format           string  `param:"format,default=json,enum=json|prometheus"`
	UnsafeSSL        bool    `param:"unsafeSsl,default=false"`
	AuthMode         string  `param:"authMode,default=none,enum=none|basic|bearer|apiKey|tls"`
	Method           string  `param:"method,default=header,enum=header|query"`
	KeyParamName     string  `param:"keyParamName"`
	Username         string  `param:"username,from=auth|env"`
	Password         string  `param:"password,from=auth|env"`
	Token            string  `param:"token,from=auth|env"`
	APIKey           string  `param:"apiKey,from=auth|env"`
	Cert             string  `param:"cert,from=auth|env"`
	Key              string  `param:"key,from=auth|env"`
	CA               string  `param:"ca,from=auth|env"`
}

// New returns the metrics-api constructor. Triggers with the same TLS
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
	u, err := validate(cfg, &p)
	if err != nil {
		return nil, err
	}
	var sel *selector
	if p.Format == "prometheus" {
		if sel, err = parseSelector(p.ValueLocation); err != nil {
			return nil, scalers.ParamErrorf(cfg, "valueLocation", "%v", err)
		}
	}
	tlsKey := scalers.HashSecret(strconv.FormatBool(p.UnsafeSSL), p.CA, p.AuthMode, tlsCred(&p, p.Cert), tlsCred(&p, p.Key))
	tc, err := tlsConfig(cfg, &p)
	if err != nil {
		return nil, err
	}
	client := cache.Client(tlsKey, func() *http.Client { return httpclient.New(tc) })
	src := newSource(client, u, &p, sel)
	return &scalers.Trigger{
		Key:              key(u, &p),
		Source:           src,
		MetricName:       "metric-api-" + p.ValueLocation,
		Target:           p.Target,
		ActivationTarget: p.ActivationTarget,
		Warning:          warning(u, &p),
	}, nil
}

// validate checks what Decode cannot and returns the parsed URL.
func validate(cfg scalers.Config, p *params) (*url.URL, error) {
	u, err := url.Parse(p.URL)
	if err != nil || u.Host == "" {
		// The URL may hold a password: do not echo it.
		return nil, scalers.ParamErrorf(cfg, "url", "want an absolute http or https URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, scalers.ParamErrorf(cfg, "url", "want an http or https URL, got scheme %q", u.Scheme)
	}
	if p.Target <= 0 {
		return nil, scalers.ParamErrorf(cfg, "targetValue", "want a number greater than 0, got %v", p.Target)
	}
	if p.ActivationTarget < 0 {
		return nil, scalers.ParamErrorf(cfg, "activationTargetValue", "want a number of at least 0, got %v", p.ActivationTarget)
	}
	need := map[string][]string{
		"basic":  {"username"},
		"bearer": {"token"},
		"apiKey": {"apiKey"},
		"tls":    {"cert", "key"},
	}
	for _, name := range need[p.AuthMode] {
		if credential(p, name) == "" {
			return nil, scalers.ParamErrorf(cfg, name, "%w for authMode %s (from TriggerAuthentication or %sFromEnv)",
				scalers.ErrMissingParam, p.AuthMode, name)
		}
	}
	if p.KeyParamName == "" {
		p.KeyParamName = "X-API-KEY"
		if p.Method == "query" {
			p.KeyParamName = "api_key"
		}
	}
	return u, nil
}

func credential(p *params, name string) string {
	switch name {
	case "username":
		return p.Username
	case "token":
		return p.Token
	case "apiKey":
		return p.APIKey
	case "cert":
		return p.Cert
	default:
		return p.Key
	}
}

// tlsCred returns v when authMode is tls, so that a cert or key given for
// another mode does not split the client cache.
func tlsCred(p *params, v string) string {
	if p.AuthMode != "tls" {
		return ""
	}
	return v
}

// key identifies the source: type, address, query, format, auth shape and a
// hash of every credential, including a password in the URL.
func key(u *url.URL, p *params) string {
	var userinfo string
	if u.User != nil {
		userinfo = u.User.String()
	}
	creds := scalers.HashSecret(p.Username, p.Password, p.Token, p.APIKey, p.Cert, p.Key, p.CA, userinfo)
	return strings.Join([]string{
		Type, strconv.Quote(u.Redacted()), strconv.Quote(p.ValueLocation), p.Format, p.AuthMode,
		p.Method, strconv.Quote(p.KeyParamName), "unsafeSsl=" + strconv.FormatBool(p.UnsafeSSL), creds,
	}, " ")
}

func warning(u *url.URL, p *params) string {
	var w []string
	if p.UnsafeSSL {
		w = append(w, "TLS certificate verification is disabled (unsafeSsl)")
	}
	if u.Scheme == "http" && (p.AuthMode != "none" && p.AuthMode != "tls" || u.User != nil) {
		w = append(w, fmt.Sprintf("credentials (authMode %s) are sent over plain http", p.AuthMode))
	}
	return strings.Join(w, "; ")
}
