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
	tests := []scalertest.Case{
		{Name: "minimal", Meta: meta()},
		{Name: "no server", Meta: map[string]string{"query": "up", "threshold": "1"}, Err: `parameter "serverAddress": required`, Missing: true},
		{Name: "no query", Meta: map[string]string{"serverAddress": "http://127.0.0.1:9090", "threshold": "1"}, Err: `parameter "query": required`, Missing: true},
		{Name: "no threshold", Meta: map[string]string{"serverAddress": "http://127.0.0.1:9090", "query": "up"}, Err: `parameter "threshold": required`, Missing: true},
		{Name: "zero threshold", Meta: meta("threshold", "0"), Err: `parameter "threshold": want a number greater than 0`},
		{Name: "negative activation", Meta: meta("activationThreshold", "-1"), Err: `parameter "activationThreshold"`},
		{Name: "bad scheme", Meta: meta("serverAddress", "ftp://h"), Err: `got scheme "ftp"`},
		{Name: "relative server hides password", Meta: meta("serverAddress", "//u:hunter2@"), Err: `want an absolute http or https URL`},
		{Name: "bad headers", Meta: meta("customHeaders", "X-A=1,oops"), Err: `parameter "customHeaders": want key=value pairs`},
		{Name: "bad query parameters", Meta: meta("queryParameters", "=x"), Err: `parameter "queryParameters"`},
		{Name: "bad timeout", Meta: meta("timeout", "-5"), Err: `parameter "timeout"`},
		{Name: "timeout as Go duration", Meta: meta("timeout", "30s")},
		{Name: "timeout 0 is the default", Meta: meta("timeout", "0")},
		{Name: "bad auth mode", Meta: meta("authModes", "basic,digest"), Err: `parameter "authModes"`},
		{Name: "bearer without token", Meta: meta("authModes", "bearer"), Err: `parameter "bearerToken": required but not set for authModes bearer`, Missing: true},
		{Name: "basic without username", Meta: meta("authModes", "basic"), Auth: map[string]string{"password": "hunter2"}, Err: `parameter "username"`, Missing: true},
		{Name: "basic and bearer", Meta: meta("authModes", "basic,bearer"), Auth: map[string]string{"username": "u", "bearerToken": "hunter2"}, Err: `choose one`},
		{Name: "custom bad header", Meta: meta("authModes", "custom"), Auth: map[string]string{"customAuthHeader": "a b", "customAuthValue": "hunter2"}, Err: `not a valid HTTP header name`},
		{Name: "tls garbage", Meta: meta("authModes", "tls"), Auth: map[string]string{"cert": "hunter2c", "key": "hunter2k"}, Err: `parameter "cert": with key`},
		{Name: "bad ca", Meta: meta(), Auth: map[string]string{"ca": "hunter2"}, Err: `parameter "ca": no PEM certificate found`},
		{Name: "authModes from TriggerAuthentication", Meta: meta(), Auth: map[string]string{"authModes": "bearer", "bearerToken": "t"}, Warning: "plain http"},
		{Name: "unsafe warns", Meta: meta("unsafeSsl", "true"), Warning: "unsafeSsl"},
	}
	scalertest.CheckCases(t, New(nil), scalers.Config{Index: 1, Type: Type}, scalertest.Build{Trigger: "trigger 1 (prometheus)", Secret: "hunter2"}, tests)
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
