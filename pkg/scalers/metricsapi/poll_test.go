package metricsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

// authServer answers 200 with a JSON value when check accepts the request, or
// 401 echoing the credentials back, so tests check both the wire and redaction.
func authServer(check func(r *http.Request) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !check(r) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprintf(w, "denied for %s %s", r.Header.Get("Authorization"), r.URL.RawQuery)
			return
		}
		_, _ = fmt.Fprint(w, `{"components":{"worker":{"tasks":12}}}`)
	}
}

func TestPollAuthModes(t *testing.T) {
	tests := []struct {
		name  string
		meta  []string
		auth  map[string]string
		check func(r *http.Request) bool
	}{
		{"none", nil, nil, func(r *http.Request) bool { return r.Header.Get("Authorization") == "" }},
		{"basic", []string{"authMode", "basic"}, map[string]string{"username": "u", "password": "p-hunter2"},
			func(r *http.Request) bool { u, p, ok := r.BasicAuth(); return ok && u == "u" && p == "p-hunter2" }},
		{"bearer", []string{"authMode", "bearer"}, map[string]string{"token": "t-hunter2"},
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer t-hunter2" }},
		{"apiKey header", []string{"authMode", "apiKey"}, map[string]string{"apiKey": "k-hunter2"},
			func(r *http.Request) bool { return r.Header.Get("X-API-KEY") == "k-hunter2" }},
		{"apiKey custom header", []string{"authMode", "apiKey", "keyParamName", "X-Token"}, map[string]string{"apiKey": "k-hunter2"},
			func(r *http.Request) bool { return r.Header.Get("X-Token") == "k-hunter2" }},
		{"apiKey query", []string{"authMode", "apiKey", "method", "query"}, map[string]string{"apiKey": "k hunter2&x"},
			func(r *http.Request) bool {
				return r.URL.Query().Get("api_key") == "k hunter2&x" && r.URL.Query().Get("keep") == "1"
			}},
		{"apiKey custom query", []string{"authMode", "apiKey", "method", "query", "keyParamName", "code"}, map[string]string{"apiKey": "k-hunter2"},
			func(r *http.Request) bool { return r.URL.Query().Get("code") == "k-hunter2" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := httptest.NewServer(authServer(tt.check))
			defer ok.Close()
			deny := httptest.NewServer(authServer(func(*http.Request) bool { return false }))
			defer deny.Close()

			tr, err := newTrigger(t, nil, baseMeta(append(tt.meta, "url", ok.URL+"/stats?keep=1")...), tt.auth)
			if err != nil {
				t.Fatal(err)
			}
			v, err := tr.Source.Poll(context.Background())
			if err != nil || v != 12 {
				t.Fatalf("Poll() = %v, %v; want 12", v, err)
			}

			tr, err = newTrigger(t, nil, baseMeta(append(tt.meta, "url", deny.URL+"/stats?keep=1")...), tt.auth)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tr.Source.Poll(context.Background())
			if err == nil || !strings.Contains(err.Error(), "unexpected status 401") {
				t.Fatalf("Poll() error = %v, want status 401", err)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "aHVudGVy") {
				t.Fatalf("Poll() error %q reveals a credential", err)
			}
		})
	}
}

func TestPollResponses(t *testing.T) {
	huge := strings.Repeat(" ", MaxResponseBytes) + `{"v":1}`
	tests := []struct {
		name    string
		status  int
		body    string
		meta    []string
		want    float64
		wantErr string
	}{
		{name: "number", body: `{"a":{"b":[1,2.5]}}`, meta: []string{"valueLocation", "a.b.1"}, want: 2.5},
		{name: "numeric string", body: `{"v":" 42 "}`, want: 42},
		{name: "quantity", body: `{"v":"250m"}`, want: 0.25},
		{name: "gjson modifier", body: `{"v":[3,1,2]}`, meta: []string{"valueLocation", "v.#"}, want: 3},
		{name: "bad json", body: `{"v":`, wantErr: "not valid JSON"},
		{name: "missing path", body: `{"w":1}`, wantErr: `value location "v" not found`},
		{name: "non-numeric", body: `{"v":"lots"}`, wantErr: `want a number or quantity, got "lots"`},
		{name: "object", body: `{"v":{}}`, wantErr: "want a number, got an object"},
		{name: "null", body: `{"v":null}`, wantErr: "got null"},
		{name: "server error", status: 500, body: "boom\n\x00trace", wantErr: `unexpected status 500: "boom  trace"`},
		{name: "long error body", status: 503, body: strings.Repeat("x", 1000), wantErr: "xxx…"},
		{name: "empty error body", status: 404, wantErr: "unexpected status 404"},
		{name: "huge body", body: huge, wantErr: "larger than"},
		{name: "prometheus", body: "# TYPE q gauge\nq{queue=\"a\"} 7\nq{queue=\"b\"} 9\n", meta: []string{"format", "prometheus", "valueLocation", `q{queue="b"}`}, want: 9},
		{name: "prometheus ambiguous", body: "q{queue=\"a\"} 7\nq{queue=\"b\"} 9\n", meta: []string{"format", "prometheus", "valueLocation", "q"}, wantErr: "2 series in response match q"},
		{name: "prometheus bad text", body: "q{ 7\n", meta: []string{"format", "prometheus", "valueLocation", "q"}, wantErr: "parse response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				_, _ = fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			tr, err := newTrigger(t, nil, baseMeta(append([]string{"url", srv.URL, "valueLocation", "v"}, tt.meta...)...), nil)
			if err != nil {
				t.Fatal(err)
			}
			v, err := tr.Source.Poll(context.Background())
			if testerr.Want(t, "Poll()", err, tt.wantErr) {
				if len(err.Error()) > 300 {
					t.Fatalf("Poll() error is %d bytes long", len(err.Error()))
				}
				return
			}
			if v != tt.want {
				t.Fatalf("Poll() = %v; want %v", v, tt.want)
			}
		})
	}
}

func TestPollContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	tr, err := newTrigger(t, nil, baseMeta("url", srv.URL+"/?secret=hunter2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = tr.Source.Poll(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Poll() error = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("Poll() took %v after the deadline", time.Since(start))
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Poll() error %q shows the URL", err)
	}
}
