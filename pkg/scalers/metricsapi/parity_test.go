package metricsapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

// kedaDocs is KEDA's page for this trigger; rows cite its sections.
const kedaDocs = "https://keda.sh/docs/latest/scalers/metrics-api/"

// TestParityConfig holds what KEDA does with a metrics-api trigger's
// parameters (per its docs, section cited per row) next to what Sluice
// does. WantErr is "" when both accept the input.
func TestParityConfig(t *testing.T) {
	tests := []scalertest.ConfigRow{
		{Name: "timeout as Go duration", KEDA: "accepted (#trigger-specification: timeout)", Meta: baseMeta("timeout", "30s")},
		{Name: "timeout in milliseconds", KEDA: "accepted (#trigger-specification: timeout)", Meta: baseMeta("timeout", "1500")},
		{Name: "timeout not a duration", KEDA: "error (#trigger-specification: timeout)", Meta: baseMeta("timeout", "a"), WantErr: `parameter "timeout": want a duration`},
		{Name: "timeout negative", KEDA: "error (#trigger-specification: timeout)", Meta: baseMeta("timeout", "-1s"), WantErr: `parameter "timeout"`},
		{Name: "format xml", KEDA: "accepted, but every poll fails: encoding/xml cannot decode into KEDA's map (Differences)", Meta: baseMeta("format", "xml"), WantErr: "xml is not supported"},
		{Name: "format yaml", KEDA: "accepted (#trigger-specification: format)", Meta: baseMeta("format", "yaml")},
		{Name: "format csv", KEDA: "error: one of json, prometheus, xml, yaml (#trigger-specification: format)", Meta: baseMeta("format", "csv"), WantErr: `parameter "format"`},
		{Name: "aggregateFromKubeServiceEndpoints", KEDA: "supported; not in Sluice (Differences)", Meta: baseMeta("aggregateFromKubeServiceEndpoints", "true"), WantErr: "is not supported by sluice"},
		{Name: "aggregationType bad", KEDA: "error: average, sum, max or min (#trigger-specification)", Meta: baseMeta("aggregationType", "median"), WantErr: `parameter "aggregationType"`},
		{Name: "aggregationType sum", KEDA: "accepted (#trigger-specification)", Meta: baseMeta("aggregationType", "sum")},
		{Name: "authModes list", KEDA: "apiKey,tls accepted (#authentication-parameters)", Meta: baseMeta("authModes", "apiKey,tls"),
			Auth: map[string]string{"apiKey": "k", "cert": "x", "key": "y"}, WantErr: `parameter "cert": with key`},
		{Name: "authMode alias", KEDA: "authMode accepted (#authentication-parameters)", Meta: baseMeta("authMode", "bearer"), Auth: map[string]string{"bearerToken": "t"}},
		{Name: "token alias", KEDA: "token accepted for bearerToken (#authentication-parameters)", Meta: baseMeta("authModes", "bearer"), Auth: map[string]string{"token": "t"}},
		{Name: "authModes in TriggerAuthentication", KEDA: "read from auth params too", Meta: baseMeta(), Auth: map[string]string{"authModes": "bearer", "bearerToken": "t"}},
		{Name: "basic and bearer", KEDA: "error: exclusive (#authentication-parameters)", Meta: baseMeta("authModes", "basic,bearer"),
			Auth: map[string]string{"username": "u", "bearerToken": "t"}, WantErr: "choose one"},
		{Name: "oauth without clientID", KEDA: "error: oauthTokenURI and clientID required", Meta: baseMeta("authModes", "oauth"),
			Auth: map[string]string{"oauthTokenURI": "https://idp/token"}, WantErr: `parameter "clientID"`},
		{Name: "apiKey in metadata", KEDA: "accepted (order triggerMetadata;authParams)", Meta: baseMeta("authModes", "apiKey", "apiKey", "k"), Warning: "apiKey is written in plain metadata"},
		{Name: "trailing newline in a Secret", KEDA: "trimmed", Meta: baseMeta("authModes", "basic\n"), Auth: map[string]string{"username": "u\n", "password": "p\n"}},
		{Name: "unknown key", KEDA: "ignored (logged when KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS)", Meta: baseMeta("valueLocaton", "x"), Warning: `"valueLocaton" is not a parameter`},
		{Name: "prometheus format, != matcher", KEDA: "parsed, but compared as = (KEDA's selector ignores the match type); refused here (Differences)",
			Meta: baseMeta("format", "prometheus", "valueLocation", `jobs{queue!="a"}`), WantErr: `parameter "valueLocation"`},
		{Name: "targetValue missing", KEDA: "error (#trigger-specification)", Meta: baseMeta("targetValue", ""), WantErr: `parameter "targetValue": required`},
	}
	scalertest.ParityConfig(t, Type, New(nil), kedaDocs, tests, nil)
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
			scalertest.PollIs(t, tr, err, 7)
		})
	}
}

// TestParityOAuth polls with KEDA's oauth mode: a client-credentials token
// from oauthTokenURI (RFC 6749 section 4.4), sent as a bearer token.
func TestParityOAuth(t *testing.T) {
	idp := scalertest.TokenServer(t, "cid", "cs-hunter2", "at-1", map[string]string{"scope": "read write", "audience": "api"})
	api := httptest.NewServer(authServer(func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer at-1" }))
	defer api.Close()
	tr, err := newTrigger(t, nil, baseMeta("url", api.URL, "authModes", "oauth"), map[string]string{
		"oauthTokenURI": idp.URL, "clientID": "cid", "clientSecret": "cs-hunter2", "scope": "read, write", "endpointParams": "audience=api",
	})
	scalertest.PollIs(t, tr, err, 12)
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
			if testerr.Want(t, "Poll()", err, tt.wantErr) {
				return
			}
			if v != tt.want {
				t.Fatalf("Poll() = %v; want %v", v, tt.want)
			}
		})
	}
}
