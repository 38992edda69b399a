package prometheus

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/prometheus/"

// TestParityConfig holds what KEDA does with a prometheus trigger's
// parameters (per its docs, section cited per row) next to what Sluice
// does. wantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	tests := []struct {
		name    string
		keda    string
		meta    []string
		auth    map[string]string
		wantErr string
		warning string
	}{
		{"timeout as Go duration", "accepted (#trigger-specification: timeout)", []string{"timeout", "5s"}, nil, "", ""},
		{"timeout in milliseconds", "accepted (#trigger-specification: timeout)", []string{"timeout", "5000"}, nil, "", ""},
		{"timeout not a duration", "error", []string{"timeout", "soon"}, nil, `parameter "timeout"`, ""},
		{"authModes list basic,tls", "accepted (#authentication-parameters)", []string{"authModes", "basic,tls"},
			map[string]string{"username": "u", "cert": "c", "key": "k"}, `parameter "cert": with key`, ""},
		{"authMode alias", "accepted (#authentication-parameters)", []string{"authMode", "bearer"}, map[string]string{"bearerToken": "t"}, "", ""},
		{"token alias", "accepted for bearerToken", []string{"authModes", "bearer"}, map[string]string{"token": "t"}, "", ""},
		{"oauth", "accepted with oauthTokenURI and clientID (#authentication-parameters)", []string{"authModes", "oauth"},
			map[string]string{"oauthTokenURI": "https://idp.example/token", "clientID": "c", "clientSecret": "s"}, "", ""},
		{"oauth without oauthTokenURI", "error", []string{"authModes", "oauth"}, map[string]string{"clientID": "c"}, `parameter "oauthTokenURI"`, ""},
		{"apiKey", "accepted (#authentication-parameters)", []string{"authModes", "apiKey"}, map[string]string{"apiKey": "k"}, "", ""},
		{"apiKey missing", "error: apiKey required", []string{"authModes", "apiKey"}, nil, `parameter "apiKey"`, ""},
		{"bearer and oauth", "error: exclusive", []string{"authModes", "bearer,oauth"},
			map[string]string{"bearerToken": "t", "oauthTokenURI": "https://i/t", "clientID": "c"}, "choose one", ""},
		{"custom with trailing newline", "trimmed", []string{"authModes", "custom"},
			map[string]string{"customAuthHeader": "X-Auth\n", "customAuthValue": "v\n"}, "", ""},
		{"awsRegion", "Amazon Managed Prometheus; not in Sluice (Differences)", []string{"awsRegion", "eu-west-1"}, nil, "SigV4", ""},
		{"identityOwner", "pod identity; not in Sluice (Differences)", []string{"identityOwner", "operator"}, nil, "pod identity", ""},
		{"cortexOrgID", "removed in KEDA 2.12 (ignored there); Sluice still sends it (Differences)", []string{"cortexOrgID", "o"}, nil, "", "cortexOrgID was removed"},
		{"ignoreNullValues bad", "error", []string{"ignoreNullValues", "nope"}, nil, `parameter "ignoreNullValues"`, ""},
		{"metricName", "removed in KEDA 2.12", []string{"metricName", "m"}, nil, "", `"metricName" is not a parameter`},
	}
	r := scalertest.Registry(t, Type, New(nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := r.Build(scalers.Config{Type: Type, Metadata: meta(tt.meta...), AuthParams: tt.auth})
			row := scalertest.Row{KEDA: tt.keda, Docs: kedaDocs, WantErr: tt.wantErr, Warning: tt.warning}
			if tr = row.Check(t, tr, err); tr == nil {
				return
			}
		})
	}
}

// TestParityAuthOnTheWire checks the credentials each KEDA auth mode puts
// on a query.
func TestParityAuthOnTheWire(t *testing.T) {
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); r.FormValue("grant_type") != "client_credentials" || id != "cid" || secret != "cs" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-9", "token_type": "Bearer", "expires_in": 600})
	}))
	defer idp.Close()
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
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if v, err := tr.Source.Poll(ctx); err != nil || v != 42 {
				t.Fatalf("Poll() = %v, %v; want 42", v, err)
			}
		})
	}
}
