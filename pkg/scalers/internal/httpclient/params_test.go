package httpclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

// TestClientTLS checks the TLS material every HTTP trigger's client is
// built with (Params.Client), against real TLS servers: the system roots
// alone, unsafeSsl, a CA bundle, and a client certificate with authModes
// tls.
func TestClientTLS(t *testing.T) {
	pki := testpki.New(t)
	srv, mtls := pki.Servers(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, "ok") }))
	tests := []struct {
		name    string
		url     string
		meta    map[string]string
		auth    map[string]string
		wantErr string
	}{
		{"untrusted", srv.URL, nil, nil, "certificate"},
		{"unsafeSsl", srv.URL, map[string]string{"unsafeSsl": "true"}, nil, ""},
		{"custom ca", srv.URL, nil, map[string]string{"ca": testpki.ServerCA(srv)}, ""},
		{"client cert", mtls.URL, map[string]string{"authModes": "tls"}, map[string]string{"ca": testpki.ServerCA(mtls), "cert": pki.ClientCert, "key": pki.ClientKey}, ""},
		{"client cert missing", mtls.URL, nil, map[string]string{"ca": testpki.ServerCA(mtls)}, "certificate"},
		{"client cert not presented without authModes tls", mtls.URL, nil, map[string]string{"ca": testpki.ServerCA(mtls), "cert": pki.ClientCert, "key": pki.ClientKey}, "certificate"},
	}
	cache := NewCache(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := scalers.Config{Type: "t", Metadata: tt.meta, AuthParams: tt.auth}
			var p Params
			if err := scalers.Decode(cfg, &p); err != nil {
				t.Fatal(err)
			}
			a, err := ResolveAuth(cfg, &p.AuthParams)
			if err != nil {
				t.Fatal(err)
			}
			client, err := p.Client(cfg, a, cache)
			if err != nil {
				t.Fatal(err)
			}
			body, err := get(client, tt.url)
			if testerr.Want(t, "GET", err, tt.wantErr) {
				return
			}
			if body != "ok" {
				t.Fatalf("GET = %q; want ok", body)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw, wantErr string
	}{
		{"https://h:1/x", ""},
		{"ftp://h/x", `parameter "u": want an http or https URL, got scheme "ftp"`},
		{"/stats", `parameter "u": want an absolute http or https URL`},
		{"//u:hunter2@", "want an absolute"},
	}
	for _, tt := range tests {
		u, err := ParseURL(scalers.Config{Type: "t"}, "u", tt.raw)
		switch {
		case tt.wantErr == "" && (err != nil || u.String() != tt.raw):
			t.Errorf("ParseURL(%q) = %v, %v", tt.raw, u, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "hunter2")):
			t.Errorf("ParseURL(%q) error %v, want %q without the password", tt.raw, err, tt.wantErr)
		}
	}
}

func get(c *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://h:1/x", "http://u:hunter2@h/", "ftp://h", "/stats", "//u:hunter2@", "http://[::1", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURL(scalers.Config{Type: "t"}, "u", raw)
		if err != nil {
			if pu, perr := url.Parse(raw); perr == nil && pu.User != nil {
				if pw, ok := pu.User.Password(); ok && len(pw) > 3 && strings.Contains(err.Error(), pw) {
					t.Fatalf("error %q shows the password", err)
				}
			}
			return
		}
		if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("ParseURL(%q) accepted %+v", raw, u)
		}
	})
}
