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
	tests := []struct {
		name    string
		meta    map[string]string
		auth    map[string]string
		wantErr string
		missing bool
	}{
		{name: "minimal", meta: baseMeta()},
		{name: "prometheus", meta: baseMeta("format", "prometheus", "valueLocation", `q{a="b"}`)},
		{name: "no url", meta: map[string]string{"valueLocation": "a", "targetValue": "1"}, wantErr: `parameter "url": required`, missing: true},
		{name: "ftp url", meta: baseMeta("url", "ftp://h/x"), wantErr: `parameter "url": want an http or https URL, got scheme "ftp"`},
		{name: "relative url", meta: baseMeta("url", "/stats"), wantErr: `parameter "url": want an absolute http or https URL`},
		{name: "zero target", meta: baseMeta("targetValue", "0"), wantErr: `parameter "targetValue": want a number greater than 0`},
		{name: "bad target", meta: baseMeta("targetValue", "abc"), wantErr: `parameter "targetValue": want a number, got "abc"`},
		{name: "negative activation", meta: baseMeta("activationTargetValue", "-1"), wantErr: `parameter "activationTargetValue"`},
		{name: "xml format", meta: baseMeta("format", "xml"), wantErr: `parameter "format": xml is not supported`},
		{name: "bad selector", meta: baseMeta("format", "prometheus", "valueLocation", "a.b"), wantErr: `parameter "valueLocation"`},
		{name: "bad auth mode", meta: baseMeta("authMode", "digest"), wantErr: `parameter "authMode": want one of none, apiKey, basic, bearer, custom, oauth, tls`},
		{name: "basic without username", meta: baseMeta("authMode", "basic"), wantErr: `parameter "username": required but not set for authModes basic`, missing: true},
		{name: "bearer without token", meta: baseMeta("authMode", "bearer"), wantErr: `parameter "bearerToken"`, missing: true},
		{name: "token in metadata is ignored", meta: baseMeta("authMode", "bearer", "token", "plain"), wantErr: `parameter "bearerToken"`, missing: true},
		{name: "apiKey without key", meta: baseMeta("authMode", "apiKey"), wantErr: `parameter "apiKey"`, missing: true},
		{name: "tls without key", meta: baseMeta("authMode", "tls"), auth: map[string]string{"cert": "x"}, wantErr: `parameter "key"`, missing: true},
		{name: "tls with garbage", meta: baseMeta("authMode", "tls"), auth: map[string]string{"cert": "hunter2cert", "key": "hunter2key"}, wantErr: `parameter "cert": with key: tls:`},
		{name: "bad ca", meta: baseMeta(), auth: map[string]string{"ca": "hunter2ca"}, wantErr: `parameter "ca": no PEM certificate found`},
		{name: "bad method", meta: baseMeta("authMode", "apiKey", "method", "cookie"), auth: map[string]string{"apiKey": "k"}, wantErr: `parameter "method"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTrigger(t, nil, tt.meta, tt.auth)
			want := scalertest.Build{Trigger: "trigger 0 (metrics-api)", Err: tt.wantErr, Missing: tt.missing, Secret: "hunter2"}
			want.Check(t, tr, err)
		})
	}
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
