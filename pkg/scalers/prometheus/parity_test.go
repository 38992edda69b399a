package prometheus

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/prometheus/"

// TestParityConfig holds what KEDA does with a prometheus trigger's
// parameters (per its docs, section cited per row) next to what Sluice
// does. WantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	tests := []scalertest.ConfigRow{
		{Name: "timeout as Go duration", KEDA: "accepted (#trigger-specification: timeout)", Meta: meta("timeout", "5s")},
		{Name: "timeout in milliseconds", KEDA: "accepted (#trigger-specification: timeout)", Meta: meta("timeout", "5000")},
		{Name: "timeout not a duration", KEDA: "error", Meta: meta("timeout", "soon"), WantErr: `parameter "timeout"`},
		{Name: "authModes list basic,tls", KEDA: "accepted (#authentication-parameters)", Meta: meta("authModes", "basic,tls"),
			Auth: map[string]string{"username": "u", "cert": "c", "key": "k"}, WantErr: `parameter "cert": with key`},
		{Name: "authMode alias", KEDA: "accepted (#authentication-parameters)", Meta: meta("authMode", "bearer"), Auth: map[string]string{"bearerToken": "t"}},
		{Name: "token alias", KEDA: "accepted for bearerToken", Meta: meta("authModes", "bearer"), Auth: map[string]string{"token": "t"}},
		{Name: "oauth", KEDA: "accepted with oauthTokenURI and clientID (#authentication-parameters)", Meta: meta("authModes", "oauth"),
			Auth: map[string]string{"oauthTokenURI": "https://idp.example/token", "clientID": "c", "clientSecret": "s"}},
		{Name: "oauth without oauthTokenURI", KEDA: "error", Meta: meta("authModes", "oauth"), Auth: map[string]string{"clientID": "c"}, WantErr: `parameter "oauthTokenURI"`},
		{Name: "apiKey", KEDA: "accepted (#authentication-parameters)", Meta: meta("authModes", "apiKey"), Auth: map[string]string{"apiKey": "k"}},
		{Name: "apiKey missing", KEDA: "error: apiKey required", Meta: meta("authModes", "apiKey"), WantErr: `parameter "apiKey"`},
		{Name: "bearer and oauth", KEDA: "error: exclusive", Meta: meta("authModes", "bearer,oauth"),
			Auth: map[string]string{"bearerToken": "t", "oauthTokenURI": "https://i/t", "clientID": "c"}, WantErr: "choose one"},
		{Name: "custom with trailing newline", KEDA: "trimmed", Meta: meta("authModes", "custom"),
			Auth: map[string]string{"customAuthHeader": "X-Auth\n", "customAuthValue": "v\n"}},
		{Name: "awsRegion", KEDA: "Amazon Managed Prometheus; not in Sluice (Differences)", Meta: meta("awsRegion", "eu-west-1"), WantErr: "SigV4"},
		{Name: "identityOwner", KEDA: "pod identity; not in Sluice (Differences)", Meta: meta("identityOwner", "operator"), WantErr: "pod identity"},
		{Name: "cortexOrgID", KEDA: "removed in KEDA 2.12 (ignored there); Sluice still sends it (Differences)", Meta: meta("cortexOrgID", "o"), Warning: "cortexOrgID was removed"},
		{Name: "ignoreNullValues bad", KEDA: "error", Meta: meta("ignoreNullValues", "nope"), WantErr: `parameter "ignoreNullValues"`},
		{Name: "metricName", KEDA: "removed in KEDA 2.12", Meta: meta("metricName", "m"), Warning: `"metricName" is not a parameter`},
	}
	scalertest.ParityConfig(t, Type, New(nil), kedaDocs, tests, nil)
}

// TestParityAuthOnTheWire checks the credentials each KEDA auth mode puts
// on a query.
func TestParityAuthOnTheWire(t *testing.T) {
	idp := scalertest.TokenServer(t, "cid", "cs", "at-9", nil)
	tests := []struct {
		name  string
		meta  []string
		auth  map[string]string
		check func(r *http.Request) bool
	}{
		{"oauth", []string{"authModes", "oauth"}, map[string]string{"oauthTokenURI": idp.URL, "clientID": "cid", "clientSecret": "cs"},
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer at-9" }},
		{"apiKey header", []string{"authModes", "apiKey"}, map[string]string{"apiKey": "k1"},
			func(r *http.Request) bool { return r.Header.Get("X-API-KEY") == "k1" }},
		{"apiKey query", []string{"authModes", "apiKey", "method", "query", "keyParamName", "key"}, map[string]string{"apiKey": "k2"},
			func(r *http.Request) bool {
				return r.URL.Query().Get("key") == "k2" && r.URL.Query().Get("query") == "sum(up)"
			}},
		{"basic and custom", []string{"authModes", "basic,custom"},
			map[string]string{"username": "u", "password": "p", "customAuthHeader": "X-Org", "customAuthValue": "o"},
			func(r *http.Request) bool {
				u, p, ok := r.BasicAuth()
				return ok && u == "u" && p == "p" && r.Header.Get("X-Org") == "o"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.check(r) {
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = fmt.Fprint(w, `{"status":"error","errorType":"auth","error":"denied"}`)
					return
				}
				_, _ = fmt.Fprint(w, oneSample)
			}))
			defer srv.Close()
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: meta(append(tt.meta, "serverAddress", srv.URL)...), AuthParams: tt.auth})
			scalertest.PollIs(t, tr, err, 42)
		})
	}
}
