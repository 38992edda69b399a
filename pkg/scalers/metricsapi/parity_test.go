package metricsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/metrics-api/"

// TestParityConfig holds what KEDA does with a metrics-api trigger's
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
		{"timeout as Go duration", "accepted (#trigger-specification: timeout)", []string{"timeout", "30s"}, nil, "", ""},
		{"timeout in milliseconds", "accepted (#trigger-specification: timeout)", []string{"timeout", "1500"}, nil, "", ""},
		{"timeout not a duration", "error (#trigger-specification: timeout)", []string{"timeout", "a"}, nil, `parameter "timeout": want a duration`, ""},
		{"timeout negative", "error (#trigger-specification: timeout)", []string{"timeout", "-1s"}, nil, `parameter "timeout"`, ""},
		{"format xml", "accepted, but every poll fails: encoding/xml cannot decode into KEDA's map (Differences)", []string{"format", "xml"}, nil, "xml is not supported", ""},
		{"format yaml", "accepted (#trigger-specification: format)", []string{"format", "yaml"}, nil, "", ""},
		{"format csv", "error: one of json, prometheus, xml, yaml (#trigger-specification: format)", []string{"format", "csv"}, nil, `parameter "format"`, ""},
		{"aggregateFromKubeServiceEndpoints", "supported; not in Sluice (Differences)", []string{"aggregateFromKubeServiceEndpoints", "true"}, nil, "is not supported by sluice", ""},
		{"aggregationType bad", "error: average, sum, max or min (#trigger-specification)", []string{"aggregationType", "median"}, nil, `parameter "aggregationType"`, ""},
		{"aggregationType sum", "accepted (#trigger-specification)", []string{"aggregationType", "sum"}, nil, "", ""},
		{"authModes list", "apiKey,tls accepted (#authentication-parameters)", []string{"authModes", "apiKey,tls"},
			map[string]string{"apiKey": "k", "cert": "x", "key": "y"}, `parameter "cert": with key`, ""},
		{"authMode alias", "authMode accepted (#authentication-parameters)", []string{"authMode", "bearer"}, map[string]string{"bearerToken": "t"}, "", ""},
		{"token alias", "token accepted for bearerToken (#authentication-parameters)", []string{"authModes", "bearer"}, map[string]string{"token": "t"}, "", ""},
		{"authModes in TriggerAuthentication", "read from auth params too", nil, map[string]string{"authModes": "bearer", "bearerToken": "t"}, "", ""},
		{"basic and bearer", "error: exclusive (#authentication-parameters)", []string{"authModes", "basic,bearer"},
			map[string]string{"username": "u", "bearerToken": "t"}, "choose one", ""},
		{"oauth without clientID", "error: oauthTokenURI and clientID required", []string{"authModes", "oauth"},
			map[string]string{"oauthTokenURI": "https://idp/token"}, `parameter "clientID"`, ""},
		{"apiKey in metadata", "accepted (order triggerMetadata;authParams)", []string{"authModes", "apiKey", "apiKey", "k"}, nil, "", "apiKey is written in plain metadata"},
		{"trailing newline in a Secret", "trimmed", []string{"authModes", "basic\n"}, map[string]string{"username": "u\n", "password": "p\n"}, "", ""},
		{"unknown key", "ignored (logged when KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)", []string{"valueLocaton", "x"}, nil, "", `"valueLocaton" is not a parameter`},
		{"prometheus format, != matcher", "parsed, but compared as = (KEDA's selector ignores the match type); refused here (Differences)",
			[]string{"format", "prometheus", "valueLocation", `jobs{queue!="a"}`}, nil, `parameter "valueLocation"`, ""},
		{"targetValue missing", "error (#trigger-specification)", []string{"targetValue", ""}, nil, `parameter "targetValue": required`, ""},
	}
	r := scalertest.Registry(t, Type, New(nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := r.Build(scalers.Config{Type: Type, Metadata: baseMeta(tt.meta...), AuthParams: tt.auth})
			row := scalertest.Row{KEDA: tt.keda, Docs: kedaDocs, WantErr: tt.wantErr, Warning: tt.warning}
			if tr = row.Check(t, tr, err); tr == nil {
				return
			}
		})
	}
}

// TestParityCombinedAuth polls a TLS server that requires a client
// certificate and checks the second credential, for KEDA's combined
// authModes ("apiKey,tls", "basic,tls", "bearer,tls").
func TestParityCombinedAuth(t *testing.T) {
	pki := testpki.New(t)
	var want func(r *http.Request) bool
	_, srv := pki.Servers(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !want(r) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = fmt.Fprint(w, `{"v":7}`)
	}))
	tlsAuth := func(kv ...string) map[string]string {
		return scalertest.With(map[string]string{"ca": testpki.ServerCA(srv), "cert": pki.ClientCert, "key": pki.ClientKey}, kv...)
	}
	tests := []struct {
		name  string
		modes string
		auth  map[string]string
		check func(r *http.Request) bool
	}{
		{"apiKey,tls", "apiKey,tls", tlsAuth("apiKey", "k1"), func(r *http.Request) bool { return r.Header.Get("X-API-KEY") == "k1" }},
		{"basic,tls", "basic, tls", tlsAuth("username", "u", "password", "p"), func(r *http.Request) bool {
			u, p, ok := r.BasicAuth()
			return ok && u == "u" && p == "p"
		}},
		{"bearer,tls via token alias", "tls,bearer", tlsAuth("token", "t1"), func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer t1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want = tt.check
			tr, err := newTrigger(t, nil, baseMeta("url", srv.URL, "valueLocation", "v", "authModes", tt.modes), tt.auth)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if v, err := tr.Source.Poll(ctx); err != nil || v != 7 {
				t.Fatalf("Poll() = %v, %v; want 7", v, err)
			}
		})
	}
}

// TestParityOAuth polls with KEDA's oauth mode: a client-credentials token
// from oauthTokenURI (RFC 6749 section 4.4), sent as a bearer token.
func TestParityOAuth(t *testing.T) {
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.FormValue("grant_type") != "client_credentials" || id != "cid" || secret != "cs-hunter2" ||
			r.FormValue("scope") != "read write" || r.FormValue("audience") != "api" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600})
	}))
	defer idp.Close()
	api := httptest.NewServer(authServer(func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer at-1" }))
	defer api.Close()
	tr, err := newTrigger(t, nil, baseMeta("url", api.URL, "authModes", "oauth"), map[string]string{
		"oauthTokenURI": idp.URL, "clientID": "cid", "clientSecret": "cs-hunter2", "scope": "read, write", "endpointParams": "audience=api",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if v, err := tr.Source.Poll(ctx); err != nil || v != 12 {
		t.Fatalf("Poll() = %v, %v; want 12", v, err)
	}
}

// TestParityTimeout checks that the per-trigger timeout bounds a poll.
func TestParityTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	tr, err := newTrigger(t, nil, baseMeta("url", srv.URL, "timeout", "50ms"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := tr.Source.Poll(ctx); err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("Poll() error = %v, want the trigger's timeout", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("Poll() took %v: the 50ms timeout was not applied", d)
	}
}

// TestParityYAML polls KEDA's format yaml: a dot path of keys and list
// indices into a YAML document; strings are read as quantities.
func TestParityYAML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "yaml") {
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		_, _ = fmt.Fprint(w, "queues:\n  - name: a\n    depth: 3\n  - name: b\n    depth: \"2k\"\ntotal: 7.5\n")
	}))
	defer srv.Close()
	tests := []struct {
		loc     string
		want    float64
		wantErr string
	}{
		{"total", 7.5, ""},
		{"queues.0.depth", 3, ""},
		{"queues.1.depth", 2000, ""},
		{"queues.2.depth", 0, "not found"},
		{"queues", 0, "want a number, got an array"},
	}
	for _, tt := range tests {
		t.Run(tt.loc, func(t *testing.T) {
			tr, err := newTrigger(t, nil, baseMeta("url", srv.URL, "format", "yaml", "valueLocation", tt.loc), nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			v, err := tr.Source.Poll(ctx)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Poll() = %v, %v; want error %q", v, err, tt.wantErr)
				}
				return
			}
			if err != nil || v != tt.want {
				t.Fatalf("Poll() = %v, %v; want %v", v, err, tt.want)
			}
		})
	}
}
