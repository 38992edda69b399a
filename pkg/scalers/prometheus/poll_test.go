package prometheus

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

const oneSample = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"42"]}]}}`

func poll(t *testing.T, m, auth map[string]string) (float64, error) {
	t.Helper()
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: m, AuthParams: auth})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return tr.Source.Poll(ctx)
}

func TestPollRequest(t *testing.T) {
	tests := []struct {
		name  string
		meta  []string
		auth  map[string]string
		check func(r *http.Request) string
	}{
		{name: "query and time", check: func(r *http.Request) string {
			q := r.URL.Query()
			if r.Method != http.MethodGet || r.URL.Path != "/prefix/api/v1/query" || q.Get("query") != "sum(up)" || q.Get("time") == "" || r.Header.Get("Accept") != "application/json" {
				return r.URL.String()
			}
			return ""
		}},
		{name: "namespace and parameters", meta: []string{"namespace", "team-a", "queryParameters", "dedup=true, partial_response=false"}, check: func(r *http.Request) string {
			q := r.URL.Query()
			if q.Get("namespace") != "team-a" || q.Get("dedup") != "true" || q.Get("partial_response") != "false" {
				return r.URL.String()
			}
			return ""
		}},
		{name: "custom headers and tenant", meta: []string{"customHeaders", "X-Client-Id=cid,X-Tenant-Id=tid", "cortexOrgID", "org"}, check: func(r *http.Request) string {
			if r.Header.Get("X-Client-Id") != "cid" || r.Header.Get("X-Tenant-Id") != "tid" || r.Header.Get("X-Scope-OrgID") != "org" {
				return fmt.Sprint(r.Header)
			}
			return ""
		}},
		{name: "basic", meta: []string{"authModes", "basic"}, auth: map[string]string{"username": "u", "password": "p"}, check: func(r *http.Request) string {
			if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
				return "no basic auth"
			}
			return ""
		}},
		{name: "basic in the address", check: func(r *http.Request) string {
			if u, p, ok := r.BasicAuth(); !ok || u != "su" || p != "sp" {
				return "no basic auth from the server address"
			}
			return ""
		}},
		{name: "bearer", meta: []string{"authModes", "bearer"}, auth: map[string]string{"bearerToken": "tok"}, check: func(r *http.Request) string {
			if r.Header.Get("Authorization") != "Bearer tok" {
				return "no bearer"
			}
			return ""
		}},
		{name: "custom", meta: []string{"authModes", "custom"}, auth: map[string]string{"customAuthHeader": "X-Api-Key", "customAuthValue": "k"}, check: func(r *http.Request) string {
			if r.Header.Get("X-Api-Key") != "k" {
				return "no custom auth"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var problem string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				problem = tt.check(r)
				_, _ = fmt.Fprint(w, oneSample)
			}))
			defer srv.Close()
			addr := srv.URL + "/prefix/"
			if tt.name == "basic in the address" {
				addr = strings.Replace(addr, "http://", "http://su:sp@", 1)
			}
			v, err := poll(t, meta(append(tt.meta, "serverAddress", addr)...), tt.auth)
			if err != nil || v != 42 {
				t.Fatalf("Poll() = %v, %v; want 42", v, err)
			}
			if problem != "" {
				t.Fatalf("request: %s", problem)
			}
		})
	}
}

func TestPollResponses(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr string
	}{
		{name: "prometheus error", status: 422, body: `{"status":"error","errorType":"execution","error":"query timed out"}`, wantErr: "status 422: execution: query timed out"},
		{name: "prometheus timeout", status: 503, body: `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`, wantErr: "status 503: timeout: query timed out"},
		{name: "proxy error redacted", status: 401, body: "token hunter2 rejected", wantErr: `unexpected status 401: "token [redacted] rejected"`},
		{name: "not json", status: 200, body: "<html>", wantErr: "decode response"},
		{name: "long body cut", status: 502, body: strings.Repeat("x", 5000), wantErr: "…"},
		{name: "too large", status: 200, body: `{"status":"success","data":{"resultType":"vector","result":[` + strings.Repeat(" ", MaxResponseBytes) + `]}}`, wantErr: "read response: larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			_, err := poll(t, meta("serverAddress", srv.URL, "authModes", "bearer"), map[string]string{"bearerToken": "hunter2"})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("got %v, want an error containing %q and no token", err, tt.wantErr)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("error is %d bytes long", len(err.Error()))
			}
		})
	}
}

func TestPollTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	start := time.Now()
	_, err := poll(t, meta("serverAddress", "http://u:hunter2@"+srv.Listener.Addr().String(), "timeout", "100"), nil)
	if err == nil || time.Since(start) > 3*time.Second || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("got %v after %v, want a prompt timeout without the password", err, time.Since(start))
	}
}

// TestPollTLS checks that queries go over the client httpclient builds
// from the trigger's TLS material (whose cases httpclient's tests cover):
// a client certificate reaches a server that requires one.
func TestPollTLS(t *testing.T) {
	pki := testpki.New(t)
	_, mtls := pki.Servers(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, oneSample) }))
	auth := map[string]string{"ca": testpki.ServerCA(mtls), "cert": pki.ClientCert, "key": pki.ClientKey}
	if v, err := poll(t, meta("serverAddress", mtls.URL, "authModes", "tls"), auth); err != nil || v != 42 {
		t.Fatalf("Poll() = %v, %v; want 42", v, err)
	}
}

// BenchmarkPoll is one poll against a local server: the client's own cost
// (request, decoding) without a real Prometheus's query time.
func BenchmarkPoll(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, oneSample) }))
	defer srv.Close()
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: meta("serverAddress", srv.URL, "customHeaders", "X-Scope-OrgID=o", "namespace", "n")})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if v, err := tr.Source.Poll(ctx); err != nil || v != 42 {
			b.Fatal(v, err)
		}
	}
}
