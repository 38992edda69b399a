package metricsapi

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func newTrigger(t *testing.T, cache *ClientCache, meta, auth map[string]string) (*scalers.Trigger, error) {
	t.Helper()
	return New(cache)(scalers.Config{Type: Type, Metadata: meta, AuthParams: auth})
}

func baseMeta(extra ...string) map[string]string {
	return scalertest.With(map[string]string{"url": "http://127.0.0.1:8080/stats", "valueLocation": "components.worker.tasks", "targetValue": "8.8"}, extra...)
}

func TestNewValidation(t *testing.T) {
	tests := []scalertest.Case{
		{Name: "minimal", Meta: baseMeta()},
		{Name: "prometheus", Meta: baseMeta("format", "prometheus", "valueLocation", `q{a="b"}`)},
		{Name: "no url", Meta: map[string]string{"valueLocation": "a", "targetValue": "1"}, Err: `parameter "url": required`, Missing: true},
		{Name: "ftp url", Meta: baseMeta("url", "ftp://h/x"), Err: `parameter "url": want an http or https URL, got scheme "ftp"`},
		{Name: "relative url", Meta: baseMeta("url", "/stats"), Err: `parameter "url": want an absolute http or https URL`},
		{Name: "zero target", Meta: baseMeta("targetValue", "0"), Err: `parameter "targetValue": want a number greater than 0`},
		{Name: "bad target", Meta: baseMeta("targetValue", "abc"), Err: `parameter "targetValue": want a number, got "abc"`},
		{Name: "negative activation", Meta: baseMeta("activationTargetValue", "-1"), Err: `parameter "activationTargetValue"`},
		{Name: "xml format", Meta: baseMeta("format", "xml"), Err: `parameter "format": xml is not supported`},
		{Name: "bad selector", Meta: baseMeta("format", "prometheus", "valueLocation", "a.b"), Err: `parameter "valueLocation"`},
		{Name: "bad auth mode", Meta: baseMeta("authMode", "digest"), Err: `parameter "authMode": want one of none, apiKey, basic, bearer, custom, oauth, tls`},
		{Name: "basic without username", Meta: baseMeta("authMode", "basic"), Err: `parameter "username": required but not set for authModes basic`, Missing: true},
		{Name: "bearer without token", Meta: baseMeta("authMode", "bearer"), Err: `parameter "bearerToken"`, Missing: true},
		{Name: "token in metadata is ignored", Meta: baseMeta("authMode", "bearer", "token", "plain"), Err: `parameter "bearerToken"`, Missing: true},
		{Name: "apiKey without key", Meta: baseMeta("authMode", "apiKey"), Err: `parameter "apiKey"`, Missing: true},
		{Name: "tls without key", Meta: baseMeta("authMode", "tls"), Auth: map[string]string{"cert": "x"}, Err: `parameter "key"`, Missing: true},
		{Name: "tls with garbage", Meta: baseMeta("authMode", "tls"), Auth: map[string]string{"cert": "hunter2cert", "key": "hunter2key"}, Err: `parameter "cert": with key: tls:`},
		{Name: "bad ca", Meta: baseMeta(), Auth: map[string]string{"ca": "hunter2ca"}, Err: `parameter "ca": no PEM certificate found`},
		{Name: "bad method", Meta: baseMeta("authMode", "apiKey", "method", "cookie"), Auth: map[string]string{"apiKey": "k"}, Err: `parameter "method"`},
	}
	scalertest.CheckCases(t, New(nil), scalers.Config{Type: Type}, scalertest.Build{Trigger: "trigger 0 (metrics-api)", Secret: "hunter2"}, tests)
}

func TestTriggerFields(t *testing.T) {
	tr, err := newTrigger(t, nil, baseMeta("activationTargetValue", "3.8", "unsafeSsl", "true", "authMode", "bearer",
		"url", "http://user:pw-hunter2@127.0.0.1/x"), map[string]string{"token": "tok-hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.MetricName != "metric-api-components.worker.tasks" || tr.Target != 8.8 || tr.ActivationTarget != 3.8 {
		t.Errorf("trigger = %+v", tr)
	}
	if got := scalers.MetricName(1, tr.MetricName); got != "s1-metric-api-components-worker-tasks" {
		t.Errorf("metric name = %q", got)
	}
	if !strings.Contains(tr.Warning, "unsafeSsl") || !strings.Contains(tr.Warning, "plain http") {
		t.Errorf("Warning = %q", tr.Warning)
	}
	if strings.Contains(tr.Key, "hunter2") {
		t.Errorf("Key %q reveals a credential", tr.Key)
	}
}

func TestKey(t *testing.T) {
	auth := func(tok string) map[string]string { return map[string]string{"token": tok} }
	bearer := baseMeta("authMode", "bearer")
	keyOf := func(meta, a map[string]string) string {
		tr, err := newTrigger(t, nil, meta, a)
		if err != nil {
			t.Fatal(err)
		}
		return tr.Key
	}
	same := keyOf(bearer, auth("a"))
	tests := []struct {
		name  string
		meta  map[string]string
		auth  map[string]string
		equal bool
	}{
		{"same everything", bearer, auth("a"), true},
		{"different target only", baseMeta("authMode", "bearer", "targetValue", "99"), auth("a"), true},
		{"different token", bearer, auth("b"), false},
		{"different url", baseMeta("authMode", "bearer", "url", "http://127.0.0.1:8080/other"), auth("a"), false},
		{"different location", baseMeta("authMode", "bearer", "valueLocation", "x"), auth("a"), false},
		{"different format", baseMeta("authMode", "bearer", "format", "prometheus", "valueLocation", "components"), auth("a"), false},
		{"different mode", baseMeta(), nil, false},
		{"unsafe", baseMeta("authMode", "bearer", "unsafeSsl", "true"), auth("a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyOf(tt.meta, tt.auth); (got == same) != tt.equal {
				t.Errorf("key equal = %v, want %v (%q vs %q)", got == same, tt.equal, got, same)
			}
		})
	}
}
