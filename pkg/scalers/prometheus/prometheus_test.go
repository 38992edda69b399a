package prometheus

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func meta(kv ...string) map[string]string {
	return scalertest.With(map[string]string{"serverAddress": "http://127.0.0.1:9090", "query": "sum(up)", "threshold": "10.5"}, kv...)
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name        string
		meta        map[string]string
		auth        map[string]string
		wantErr     string
		missing     bool
		wantWarning string
	}{
		{name: "minimal", meta: meta()},
		{name: "no server", meta: map[string]string{"query": "up", "threshold": "1"}, wantErr: `parameter "serverAddress": required`, missing: true},
		{name: "no query", meta: map[string]string{"serverAddress": "http://127.0.0.1:9090", "threshold": "1"}, wantErr: `parameter "query": required`, missing: true},
		{name: "no threshold", meta: map[string]string{"serverAddress": "http://127.0.0.1:9090", "query": "up"}, wantErr: `parameter "threshold": required`, missing: true},
		{name: "zero threshold", meta: meta("threshold", "0"), wantErr: `parameter "threshold": want a number greater than 0`},
		{name: "negative activation", meta: meta("activationThreshold", "-1"), wantErr: `parameter "activationThreshold"`},
		{name: "bad scheme", meta: meta("serverAddress", "ftp://h"), wantErr: `got scheme "ftp"`},
		{name: "relative server hides password", meta: meta("serverAddress", "//u:hunter2@"), wantErr: `want an absolute http or https URL`},
		{name: "bad headers", meta: meta("customHeaders", "X-A=1,oops"), wantErr: `parameter "customHeaders": want key=value pairs`},
		{name: "bad query parameters", meta: meta("queryParameters", "=x"), wantErr: `parameter "queryParameters"`},
		{name: "bad timeout", meta: meta("timeout", "-5"), wantErr: `parameter "timeout"`},
		{name: "timeout as Go duration", meta: meta("timeout", "30s")},
		{name: "timeout 0 is the default", meta: meta("timeout", "0")},
		{name: "bad auth mode", meta: meta("authModes", "basic,digest"), wantErr: `parameter "authModes"`},
		{name: "bearer without token", meta: meta("authModes", "bearer"), wantErr: `parameter "bearerToken": required but not set for authModes bearer`, missing: true},
		{name: "basic without username", meta: meta("authModes", "basic"), auth: map[string]string{"password": "hunter2"}, wantErr: `parameter "username"`, missing: true},
		{name: "basic and bearer", meta: meta("authModes", "basic,bearer"), auth: map[string]string{"username": "u", "bearerToken": "hunter2"}, wantErr: `choose one`},
		{name: "custom bad header", meta: meta("authModes", "custom"), auth: map[string]string{"customAuthHeader": "a b", "customAuthValue": "hunter2"}, wantErr: `not a valid HTTP header name`},
		{name: "tls garbage", meta: meta("authModes", "tls"), auth: map[string]string{"cert": "hunter2c", "key": "hunter2k"}, wantErr: `parameter "cert": with key`},
		{name: "bad ca", meta: meta(), auth: map[string]string{"ca": "hunter2"}, wantErr: `parameter "ca": no PEM certificate found`},
		{name: "authModes from TriggerAuthentication", meta: meta(), auth: map[string]string{"authModes": "bearer", "bearerToken": "t"}, wantWarning: "plain http"},
		{name: "unsafe warns", meta: meta("unsafeSsl", "true"), wantWarning: "unsafeSsl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Index: 1, Type: Type, Metadata: tt.meta, AuthParams: tt.auth})
			want := scalertest.Build{Trigger: "trigger 1 (prometheus)", Err: tt.wantErr, Missing: tt.missing, Secret: "hunter2", Warning: tt.wantWarning}
			want.Check(t, tr, err)
		})
	}
}

func TestTriggerShape(t *testing.T) {
	build := func(m, auth map[string]string) *scalers.Trigger {
		t.Helper()
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: m, AuthParams: auth})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	tr := build(meta("activationThreshold", "2.5"), nil)
	if tr.MetricName != "prometheus" || tr.Target != 10.5 || tr.ActivationTarget != 2.5 {
		t.Fatalf("got %q %v %v", tr.MetricName, tr.Target, tr.ActivationTarget)
	}
	a := build(meta("authModes", "bearer"), map[string]string{"bearerToken": "hunter2"})
	b := build(meta("authModes", "bearer"), map[string]string{"bearerToken": "other"})
	if a.Key == b.Key || strings.Contains(a.Key, "hunter2") {
		t.Fatalf("keys must differ by credential and hide it: %q", a.Key)
	}
	for _, kv := range [][]string{{"namespace", "team"}, {"customHeaders", "X-A=1"}, {"query", "up"}, {"queryParameters", "a=b"}, {"ignoreNullValues", "false"}} {
		if build(meta(kv...), nil).Key == build(meta(), nil).Key {
			t.Errorf("%s must change the key", kv[0])
		}
	}
	if first, second := build(meta(), nil), build(meta(), nil); first.Key != second.Key {
		t.Fatal("equal triggers must have equal keys")
	}
}

func TestClientCacheShares(t *testing.T) {
	cache := NewClientCache(2)
	for range 3 {
		if _, err := New(cache)(scalers.Config{Type: Type, Metadata: meta()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := New(cache)(scalers.Config{Type: Type, Metadata: meta("unsafeSsl", "true")}); err != nil {
		t.Fatal(err)
	}
	if cache.Len() != 2 {
		t.Fatalf("cache holds %d clients, want 2", cache.Len())
	}
}

func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{"a=b", "X-A=1,X-B=2=3", "=x", "k", " k = v "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := meta("customHeaders", s, "queryParameters", s)
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: m})
		if err == nil && tr.Key == "" {
			t.Fatal("a trigger without a key")
		}
	})
}
