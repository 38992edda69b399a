package azureservicebus

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

const (
	testKey  = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY3OA=="
	testConn = "Endpoint=sb://contoso-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + testKey
	emulator = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
)

func newTrigger(cache *ClientCache, meta, auth, env map[string]string) (*scalers.Trigger, error) {
	return New(cache)(scalers.Config{Index: 1, Type: Type, Metadata: meta, AuthParams: auth, Env: env})
}

func TestDecodeErrors(t *testing.T) {
	auth := map[string]string{"connection": testConn}
	q := func(kv ...string) map[string]string {
		return scalertest.With(map[string]string{"queueName": "jobs"}, kv...)
	}
	tests := []struct {
		name      string
		meta      map[string]string
		auth, env map[string]string
		wantParam string
		wantErr   string
	}{
		{name: "no entity", meta: map[string]string{}, auth: auth, wantParam: "queueName", wantErr: "required but not set"},
		{name: "queue and topic", meta: q("topicName", "t", "subscriptionName", "s"), auth: auth, wantParam: "topicName", wantErr: "not both"},
		{name: "queue and subscription", meta: q("subscriptionName", "s"), auth: auth, wantParam: "subscriptionName", wantErr: "no subscriptions"},
		{name: "topic without subscription", meta: map[string]string{"topicName": "t"}, auth: auth, wantParam: "subscriptionName", wantErr: "topicName needs subscriptionName"},
		{name: "subscription without topic", meta: map[string]string{"subscriptionName": "s"}, auth: auth, wantParam: "topicName", wantErr: "needs topicName"},
		{name: "queue name invalid", meta: map[string]string{"queueName": "jobs?x=1"}, auth: auth, wantParam: "queueName", wantErr: "want a queue name"},
		{name: "queue name dot-dot", meta: map[string]string{"queueName": "a/../b"}, auth: auth, wantParam: "queueName", wantErr: "want a queue name"},
		{name: "subscription with slash", meta: map[string]string{"topicName": "t", "subscriptionName": "a/b"}, auth: auth, wantParam: "subscriptionName", wantErr: "want a subscription name"},
		{name: "topic name too long", meta: map[string]string{"topicName": strings.Repeat("t", 261), "subscriptionName": "s"}, auth: auth, wantParam: "topicName", wantErr: "at most 260"},
		{name: "regex invalid", meta: q("queueName", "jobs(", "useRegex", "true"), auth: auth, wantParam: "queueName", wantErr: "want a regular expression"},
		{name: "useRegex not bool", meta: q("useRegex", "yes"), auth: auth, wantParam: "useRegex", wantErr: `got "yes"`},
		{name: "operation unknown", meta: q("useRegex", "true", "operation", "min"), auth: auth, wantParam: "operation", wantErr: `got "min"`},
		{name: "messageCount zero", meta: q("messageCount", "0"), auth: auth, wantParam: "messageCount", wantErr: "greater than 0"},
		{name: "messageCount fraction", meta: q("messageCount", "2.5"), auth: auth, wantParam: "messageCount", wantErr: `got "2.5"`},
		{name: "activation negative", meta: q("activationMessageCount", "-1"), auth: auth, wantParam: "activationMessageCount", wantErr: "at least 0"},
		{name: "no connection", meta: q(), wantParam: "connection", wantErr: "required but not set"},
		{name: "namespace only needs pod identity", meta: q("namespace", "contoso-bus"), wantParam: "connection", wantErr: "pod identity"},
		{name: "connectionFromEnv unset", meta: q("connectionFromEnv", "SB"), wantParam: "connection", wantErr: `"SB"`},
		{name: "connection inline", meta: q("connection", testConn), wantParam: "connection", wantErr: "refused"},
		{name: "connection inline name", meta: q("connection", "SB_CONN"), wantParam: "connection", wantErr: "connectionFromEnv"},
		{name: "connection without key", meta: q(), auth: map[string]string{"connection": "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a"}, wantParam: "connection", wantErr: "want SharedAccessKeyName with SharedAccessKey"},
		{name: "connection http endpoint", meta: q(), auth: map[string]string{"connection": "Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=" + testKey}, wantParam: "connection", wantErr: "sb://"},
		{name: "connection unknown key", meta: q(), auth: map[string]string{"connection": testConn + ";Foo=bar"}, wantParam: "connection", wantErr: "unknown key Foo"},
		{name: "connection key twice", meta: q(), auth: map[string]string{"connection": testConn + ";SharedAccessKey=" + testKey}, wantParam: "connection", wantErr: "set twice"},
		{name: "connection secret without key", meta: q(), auth: map[string]string{"connection": testConn + ";" + testKey}, wantParam: "connection", wantErr: "unknown key (not shown)"},
		{name: "connection emulator flag bad", meta: q(), auth: map[string]string{"connection": testConn + ";UseDevelopmentEmulator=maybe"}, wantParam: "connection", wantErr: "true or false"},
		{name: "sas and key", meta: q(), auth: map[string]string{"connection": testConn + ";SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z"}, wantParam: "connection", wantErr: "give one"},
		{name: "cloud unknown", meta: q("cloud", "Mars"), auth: auth, wantParam: "cloud", wantErr: "want one of"},
		{name: "cloud german", meta: q("cloud", "AzureGermanCloud"), auth: auth, wantParam: "cloud", wantErr: "closed"},
		{name: "private without suffix", meta: q("cloud", "Private"), auth: auth, wantParam: "endpointSuffix", wantErr: "required"},
		{name: "private suffix with scheme", meta: q("cloud", "Private", "endpointSuffix", "https://x.example"), auth: auth, wantParam: "endpointSuffix", wantErr: "host name suffix"},
		{name: "namespace invalid", meta: q("namespace", "ab"), auth: auth, wantParam: "namespace", wantErr: "6 to 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTrigger(nil, tt.meta, tt.auth, tt.env)
			scalertest.ParamErr{Trigger: "trigger 1 (azure-servicebus)", Param: tt.wantParam, Contains: tt.wantErr, Secrets: []string{testKey, "SharedAccessKey="}}.Check(t, err)
		})
	}
}

func TestTrigger(t *testing.T) {
	env := map[string]string{"SB": testConn}
	tests := []struct {
		name         string
		meta         map[string]string
		auth         map[string]string
		metric       string
		target, act  float64
		keyPart      string
		warning      string
		topic, entry string
		regex        string
	}{
		{name: "queue defaults", meta: map[string]string{"queueName": "jobs", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-jobs", target: 5, keyPart: "azure-servicebus contoso-bus.servicebus.windows.net jobs   name ", entry: "jobs"},
		{name: "subscription", meta: map[string]string{"topicName": "events", "subscriptionName": "billing", "messageCount": "10", "activationMessageCount": "2", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-events", target: 10, act: 2, keyPart: " events billing name ", topic: "events", entry: "billing"},
		{name: "queue regex", meta: map[string]string{"queueName": "jobs-.*", "useRegex": "true", "operation": "max", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-queue-regex", target: 5, keyPart: " jobs-.*   regex max ", regex: "^(?:jobs-.*)$"},
		{name: "subscription regex default sum", meta: map[string]string{"topicName": "events", "subscriptionName": "b.*", "useRegex": "true", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-topic-regex", target: 5, keyPart: " regex sum ", topic: "events", regex: "^(?:b.*)$"},
		{name: "trigger authentication", meta: map[string]string{"queueName": "jobs"}, auth: map[string]string{"connection": testConn},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs"},
		{name: "emulator inline", meta: map[string]string{"queueName": "jobs", "connection": emulator},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: "local Service Bus (localhost)"},
		{name: "loopback endpoint", meta: map[string]string{"queueName": "jobs"}, auth: map[string]string{"connection": "Endpoint=sb://127.0.0.1:5300/;SharedAccessKeyName=k;SharedAccessKey=" + testKey},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: "local Service Bus (127.0.0.1:5300)"},
		{name: "namespace differs", meta: map[string]string{"queueName": "jobs", "namespace": "other-bus", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: "namespace other-bus.servicebus.windows.net differs"},
		{name: "namespace matches", meta: map[string]string{"queueName": "jobs", "namespace": "contoso-bus", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs"},
		{name: "operation without regex", meta: map[string]string{"queueName": "jobs", "operation": "avg", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: "operation is ignored"},
		{name: "entity path differs", meta: map[string]string{"queueName": "jobs"}, auth: map[string]string{"connection": testConn + ";EntityPath=other"},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: `for entity "other"`},
		{name: "suffix without private", meta: map[string]string{"queueName": "jobs", "endpointSuffix": "x.example", "connectionFromEnv": "SB"},
			metric: "azure-servicebus-jobs", target: 5, entry: "jobs", warning: "endpointSuffix is ignored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := newTrigger(nil, tt.meta, tt.auth, env)
			if err != nil {
				t.Fatal(err)
			}
			if tr.MetricName != tt.metric || tr.Target != tt.target || tr.ActivationTarget != tt.act {
				t.Errorf("metric %q target %v activation %v", tr.MetricName, tr.Target, tr.ActivationTarget)
			}
			if !strings.Contains(tr.Key, tt.keyPart) || strings.Contains(tr.Key, testKey) {
				t.Errorf("key %q, want it to hold %q and no key", tr.Key, tt.keyPart)
			}
			if (tt.warning == "") != (tr.Warning == "") || !strings.Contains(tr.Warning, tt.warning) {
				t.Errorf("warning %q, want %q", tr.Warning, tt.warning)
			}
			s := tr.Source.(*source)
			if s.topic != tt.topic || (tt.regex == "" && s.name != tt.entry) || (s.pattern == nil) != (tt.regex == "") ||
				(s.pattern != nil && s.pattern.String() != tt.regex) {
				t.Errorf("source %+v", s)
			}
		})
	}
}

func TestKeysSeparateCredentials(t *testing.T) {
	meta := map[string]string{"queueName": "jobs"}
	a, err := newTrigger(nil, meta, map[string]string{"connection": testConn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := newTrigger(nil, meta, map[string]string{"connection": strings.Replace(testConn, "c2Vj", "c2Vk", 1)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Key == b.Key {
		t.Error("two keys give one trigger key")
	}
}
