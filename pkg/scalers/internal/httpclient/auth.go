package httpclient

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Params are what every HTTP-based trigger type reads besides its own
// parameters: TLS verification, the request timeout and authentication.
// Embed it in the trigger's params.
type Params struct {
	UnsafeSSL bool          `param:"unsafeSsl,default=false"`
	Timeout   time.Duration `param:"timeout,from=metadata"`
	AuthParams
}

// TimeoutOrDefault returns Timeout, or DefaultTimeout when it is 0: KEDA
// reads 0 or unset as its default HTTP timeout.
func (p *Params) TimeoutOrDefault() time.Duration {
	if p.Timeout == 0 {
		return DefaultTimeout
	}
	return p.Timeout
}

// AuthParams are KEDA's authentication parameters of the HTTP-based
// triggers (its authentication.Config), embedded in each trigger's params
// and decoded by scalers.Decode. authModes (alias authMode) is a comma list
// of apiKey, basic, bearer, custom, oauth and tls, of which basic, bearer
// and oauth exclude each other; none is accepted alone as "no mode".
// Credentials come from TriggerAuthentication or `<name>FromEnv`;
// bearerToken has the alias token and scopes the alias scope.
type AuthParams struct {
	Modes            []string `param:"authModes,enum=none|apiKey|basic|bearer|custom|oauth|tls,from=metadata|auth"`
	ModeAlias        []string `param:"authMode,enum=none|apiKey|basic|bearer|custom|oauth|tls,from=metadata|auth"`
	BearerToken      string   `param:"bearerToken,from=auth|env"`
	Token            string   `param:"token,from=auth|env"`
	Username         string   `param:"username,from=auth|env"`
	Password         string   `param:"password,from=auth|env"`
	Cert             string   `param:"cert,from=auth|env"`
	Key              string   `param:"key,from=auth|env"`
	CA               string   `param:"ca,from=auth|env"`
	CustomAuthHeader string   `param:"customAuthHeader,from=auth|env"`
	CustomAuthValue  string   `param:"customAuthValue,from=auth|env"`
	OAuthTokenURI    string   `param:"oauthTokenURI,from=auth"`
	Scopes           []string `param:"scopes,from=auth"`
	ScopeAlias       []string `param:"scope,from=auth"`
	ClientID         string   `param:"clientID,from=auth|env"`
	ClientSecret     string   `param:"clientSecret,from=auth|env"`
	EndpointParams   string   `param:"endpointParams,from=auth"`
	APIKey           string   `param:"apiKey,from=metadata|auth|env"`
	Method           string   `param:"method,default=header,enum=header|query,from=metadata|auth"`
	KeyParamName     string   `param:"keyParamName,from=metadata|auth"`
}

// Auth is the resolved authentication of one trigger.
type Auth struct {
	// Modes are the enabled modes, without none.
	Modes []string
	// Header holds the credential headers to set on every request.
	Header http.Header
	// Query holds the credential query parameters (apiKey by query).
	Query url.Values
	// OAuth is the client-credentials flow to wrap the client in; nil
	// without oauth.
	OAuth *clientcredentials.Config
	// Secrets are the credential strings to redact from quoted responses.
	Secrets []string
	// Warning is a remark for status; "" when none.
	Warning string
}

// Has reports whether mode is enabled.
func (a *Auth) Has(mode string) bool { return slices.Contains(a.Modes, mode) }

// ResolveAuth checks p as KEDA does (each mode's credentials present,
// basic, bearer and oauth exclusive) and returns the resolved
// authentication. Errors are *scalers.ParamError naming the parameter and
// never hold a credential.
func ResolveAuth(cfg scalers.Config, p *AuthParams) (*Auth, error) {
	modes, err := enabledModes(cfg, p)
	if err != nil {
		return nil, err
	}
	a := &Auth{Modes: modes, Header: http.Header{}, Query: url.Values{}}
	token := p.BearerToken
	if token == "" {
		token = p.Token
	}
	scopes := p.Scopes
	if len(scopes) == 0 {
		scopes = p.ScopeAlias
	}
	if err := a.checkCredentials(cfg, p, token); err != nil {
		return nil, err
	}
	var warnings []string
	if cfg.Metadata["apiKey"] != "" {
		warnings = append(warnings, "apiKey is written in plain metadata; give it through TriggerAuthentication or apiKeyFromEnv")
	}
	switch {
	case a.Has("basic"):
		a.setSecret("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(p.Username+":"+p.Password)), p.Username, p.Password)
	case a.Has("bearer"):
		a.setSecret("Authorization", "Bearer "+token, token)
	case a.Has("oauth"):
		if err := a.oauth(cfg, p, scopes); err != nil {
			return nil, err
		}
	}
	if a.Has("custom") {
		if !ValidHeaderName(p.CustomAuthHeader) {
			return nil, scalers.ParamErrorf(cfg, "customAuthHeader", "not a valid HTTP header name")
		}
		a.setSecret(p.CustomAuthHeader, p.CustomAuthValue, p.CustomAuthValue)
	}
	if a.Has("apiKey") {
		name := p.KeyParamName
		a.Secrets = append(a.Secrets, p.APIKey, url.QueryEscape(p.APIKey))
		if p.Method == "query" {
			if name == "" {
				name = "api_key"
			}
			a.Query.Set(name, p.APIKey)
		} else {
			if name == "" {
				name = "X-API-KEY"
			}
			if !ValidHeaderName(name) {
				return nil, scalers.ParamErrorf(cfg, "keyParamName", "not a valid HTTP header name, got %q", name)
			}
			a.Header.Set(name, p.APIKey)
		}
	}
	a.Warning = strings.Join(warnings, "; ")
	return a, nil
}

// enabledModes returns the modes of authModes (else authMode), without
// none and duplicates, and checks that basic, bearer and oauth exclude each
// other.
func enabledModes(cfg scalers.Config, p *AuthParams) ([]string, error) {
	given := p.Modes
	if len(given) == 0 {
		given = p.ModeAlias
	}
	var modes []string
	for _, m := range given {
		if m != "none" && !slices.Contains(modes, m) {
			modes = append(modes, m)
		}
	}
	if slices.Contains(given, "none") && len(modes) > 0 {
		return nil, scalers.ParamErrorf(cfg, "authModes", "none cannot be combined with other modes")
	}
	exclusive := 0
	for _, m := range []string{"basic", "bearer", "oauth"} {
		if slices.Contains(modes, m) {
			exclusive++
		}
	}
	if exclusive > 1 {
		return nil, scalers.ParamErrorf(cfg, "authModes", "basic, bearer and oauth all set the Authorization header; choose one")
	}
	return modes, nil
}

// checkCredentials reports the first credential an enabled mode needs and
// lacks, as KEDA's validation does.
func (a *Auth) checkCredentials(cfg scalers.Config, p *AuthParams, token string) error {
	need := []struct {
		mode, name, v string
	}{
		{"basic", "username", p.Username},
		{"bearer", "bearerToken", token},
		{"tls", "cert", p.Cert},
		{"tls", "key", p.Key},
		{"custom", "customAuthHeader", p.CustomAuthHeader},
		{"custom", "customAuthValue", p.CustomAuthValue},
		{"oauth", "oauthTokenURI", p.OAuthTokenURI},
		{"oauth", "clientID", p.ClientID},
		{"apiKey", "apiKey", p.APIKey},
	}
	for _, n := range need {
		if a.Has(n.mode) && n.v == "" {
			where := "TriggerAuthentication or " + n.name + "FromEnv"
			if n.name == "oauthTokenURI" {
				where = "TriggerAuthentication"
			}
			return scalers.ParamErrorf(cfg, n.name, "%w for authModes %s (from %s)", scalers.ErrMissingParam, n.mode, where)
		}
	}
	return nil
}

// oauth sets up the client-credentials flow (RFC 6749 section 4.4), as
// KEDA's oauth mode.
func (a *Auth) oauth(cfg scalers.Config, p *AuthParams, scopes []string) error {
	u, err := url.Parse(p.OAuthTokenURI)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return scalers.ParamErrorf(cfg, "oauthTokenURI", "want an absolute http or https URL")
	}
	params, err := url.ParseQuery(p.EndpointParams)
	if err != nil {
		return scalers.ParamErrorf(cfg, "endpointParams", "want URL query syntax such as audience=abc&resource=x")
	}
	a.OAuth = &clientcredentials.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, TokenURL: p.OAuthTokenURI,
		Scopes: scopes, EndpointParams: params,
	}
	a.Secrets = append(a.Secrets, p.ClientSecret)
	return nil
}

// setSecret sets a credential header and remembers its parts for
// redaction.
func (a *Auth) setSecret(name, value string, parts ...string) {
	a.Header.Set(name, value)
	a.Secrets = append(a.Secrets, value)
	a.Secrets = append(a.Secrets, parts...)
}

// Client returns base wrapped for a's oauth flow, or base when there is
// none. The token is fetched with base's transport (and so its TLS
// material) and cached until it expires.
func (a *Auth) Client(base *http.Client) *http.Client {
	if a.OAuth == nil {
		return base
	}
	// The token request does not see the poll's context: bound it.
	tokenClient := *base
	if tokenClient.Timeout == 0 {
		tokenClient.Timeout = tokenTimeout
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &tokenClient)
	c := a.OAuth.Client(ctx)
	c.Timeout = base.Timeout
	return c
}

// tokenTimeout bounds one OAuth token request.
const tokenTimeout = 30 * time.Second

// ValidHeaderName reports whether name is an RFC 9110 token.
func ValidHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r >= 0x80 || r <= ' ' || strings.ContainsRune("\"(),/:;<=>?@[\\]{}\x7f", r) {
			return false
		}
	}
	return true
}
