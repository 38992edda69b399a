package httpclient

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func resolve(t testing.TB, meta, auth map[string]string) (*Auth, error) {
	t.Helper()
	cfg := scalers.Config{Type: "t", Metadata: meta, AuthParams: auth}
	var p AuthParams
	if err := scalers.Decode(cfg, &p); err != nil {
		return nil, err
	}
	return ResolveAuth(cfg, &p)
}

func TestResolveAuth(t *testing.T) {
	tests := []struct {
		name      string
		meta      map[string]string
		auth      map[string]string
		wantModes string
		wantErr   string
	}{
		{"no modes", nil, nil, "", ""},
		{"none", map[string]string{"authMode": "none"}, nil, "", ""},
		{"none with another", map[string]string{"authModes": "none,tls"}, nil, "", "none cannot be combined"},
		{"authModes wins over authMode", map[string]string{"authModes": "bearer", "authMode": "basic"}, map[string]string{"bearerToken": "t"}, "bearer", ""},
		{"duplicates collapse", map[string]string{"authModes": "custom,custom"}, map[string]string{"customAuthHeader": "X-A", "customAuthValue": "v"}, "custom", ""},
		{"bad custom header", map[string]string{"authModes": "custom"}, map[string]string{"customAuthHeader": "X A", "customAuthValue": "v"}, "", "not a valid HTTP header name"},
		{"bad oauth url", map[string]string{"authModes": "oauth"}, map[string]string{"oauthTokenURI": "idp", "clientID": "c"}, "", `parameter "oauthTokenURI"`},
		{"bad endpointParams", map[string]string{"authModes": "oauth"}, map[string]string{"oauthTokenURI": "https://i/t", "clientID": "c", "endpointParams": "a=%zz"}, "", `parameter "endpointParams"`},
		{"bad key header", map[string]string{"authModes": "apiKey", "keyParamName": "a b"}, map[string]string{"apiKey": "k"}, "", `parameter "keyParamName"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := resolve(t, tt.meta, tt.auth)
			if testerr.Want(t, "ResolveAuth()", err, tt.wantErr) {
				return
			}
			if got := strings.Join(a.Modes, ","); got != tt.wantModes {
				t.Fatalf("modes = %q, want %q", got, tt.wantModes)
			}
		})
	}
}

// FuzzResolveAuth checks that no input panics and that no credential
// appears in an error.
func FuzzResolveAuth(f *testing.F) {
	f.Add("apiKey,tls", "hunter2", "header", "X-K", "a=b")
	f.Add("oauth", "hunter2", "query", "", "%%")
	f.Add("basic,bearer", "", "cookie", "a b", "")
	f.Fuzz(func(t *testing.T, modes, secret, method, keyName, endpointParams string) {
		auth := map[string]string{"authModes": modes, "apiKey": secret, "password": secret, "bearerToken": secret,
			"clientSecret": secret, "customAuthValue": secret, "username": "u", "cert": "c", "key": "k",
			"customAuthHeader": "X-C", "oauthTokenURI": "https://idp/token", "clientID": "c", "endpointParams": endpointParams}
		_, err := resolve(t, map[string]string{"method": method, "keyParamName": keyName}, auth)
		if err != nil && len(strings.TrimSpace(secret)) > 3 && strings.Contains(err.Error(), strings.TrimSpace(secret)) &&
			!strings.Contains(modes+method+keyName+endpointParams, strings.TrimSpace(secret)) {
			t.Fatalf("error %q reveals a credential", err)
		}
	})
}
