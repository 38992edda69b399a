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
	tests := []scalertest.Case{
		{Name: "no entity", Meta: map[string]string{}, Auth: auth, Param: "queueName", Err: "required but not set"},
		{Name: "queue and topic", Meta: q("topicName", "t", "subscriptionName", "s"), Auth: auth, Param: "topicName", Err: "not both"},
		{Name: "queue and subscription", Meta: q("subscriptionName", "s"), Auth: auth, Param: "subscriptionName", Err: "no subscriptions"},
		{Name: "topic without subscription", Meta: map[string]string{"topicName": "t"}, Auth: auth, Param: "subscriptionName", Err: "topicName needs subscriptionName"},
		{Name: "subscription without topic", Meta: map[string]string{"subscriptionName": "s"}, Auth: auth, Param: "topicName", Err: "needs topicName"},
		{Name: "queue name invalid", Meta: map[string]string{"queueName": "jobs?x=1"}, Auth: auth, Param: "queueName", Err: "want a queue name"},
		{Name: "queue name dot-dot", Meta: map[string]string{"queueName": "a/../b"}, Auth: auth, Param: "queueName", Err: "want a queue name"},
		{Name: "subscription with slash", Meta: map[string]string{"topicName": "t", "subscriptionName": "a/b"}, Auth: auth, Param: "subscriptionName", Err: "want a subscription name"},
		{Name: "topic name too long", Meta: map[string]string{"topicName": strings.Repeat("t", 261), "subscriptionName": "s"}, Auth: auth, Param: "topicName", Err: "at most 260"},
		{Name: "regex invalid", Meta: q("queueName", "jobs(", "useRegex", "true"), Auth: auth, Param: "queueName", Err: "want a regular expression"},
		{Name: "useRegex not bool", Meta: q("useRegex", "yes"), Auth: auth, Param: "useRegex", Err: `got "yes"`},
		{Name: "operation unknown", Meta: q("useRegex", "true", "operation", "min"), Auth: auth, Param: "operation", Err: `got "min"`},
		{Name: "messageCount zero", Meta: q("messageCount", "0"), Auth: auth, Param: "messageCount", Err: "greater than 0"},
		{Name: "messageCount fraction", Meta: q("messageCount", "2.5"), Auth: auth, Param: "messageCount", Err: `got "2.5"`},
		{Name: "activation negative", Meta: q("activationMessageCount", "-1"), Auth: auth, Param: "activationMessageCount", Err: "at least 0"},
		{Name: "no connection", Meta: q(), Param: "connection", Err: "required but not set"},
		{Name: "namespace only needs pod identity", Meta: q("namespace", "contoso-bus"), Param: "connection", Err: "pod identity"},
		{Name: "connectionFromEnv unset", Meta: q("connectionFromEnv", "SB"), Param: "connection", Err: `"SB"`},
		{Name: "connection inline", Meta: q("connection", testConn), Param: "connection", Err: "refused"},
		{Name: "connection inline name", Meta: q("connection", "SB_CONN"), Param: "connection", Err: "connectionFromEnv"},
		{Name: "connection without key", Meta: q(), Auth: map[string]string{"connection": "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a"}, Param: "connection", Err: "want SharedAccessKeyName with SharedAccessKey"},
		{Name: "connection http endpoint", Meta: q(), Auth: map[string]string{"connection": "Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=" + testKey}, Param: "connection", Err: "sb://"},
		{Name: "connection unknown key", Meta: q(), Auth: map[string]string{"connection": testConn + ";Foo=bar"}, Param: "connection", Err: "unknown key Foo"},
		{Name: "connection key twice", Meta: q(), Auth: map[string]string{"connection": testConn + ";SharedAccessKey=" + testKey}, Param: "connection", Err: "set twice"},
		{Name: "connection secret without key", Meta: q(), Auth: map[string]string{"connection": testConn + ";" + testKey}, Param: "connection", Err: "unknown key (not shown)"},
		{Name: "connection emulator flag bad", Meta: q(), Auth: map[string]string{"connection": testConn + ";UseDevelopmentEmulator=maybe"}, Param: "connection", Err: "true or false"},
		{Name: "sas and key", Meta: q(), Auth: map[string]string{"connection": testConn + ";SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z"}, Param: "connection", Err: "give one"},
		{Name: "cloud unknown", Meta: q("cloud", "Mars"), Auth: auth, Param: "cloud", Err: "want one of"},
		{Name: "cloud german", Meta: q("cloud", "AzureGermanCloud"), Auth: auth, Param: "cloud", Err: "closed"},
		{Name: "private without suffix", Meta: q("cloud", "Private"), Auth: auth, Param: "endpointSuffix", Err: "required"},
		{Name: "private suffix with scheme", Meta: q("cloud", "Private", "endpointSuffix", "https://x.example"), Auth: auth, Param: "endpointSuffix", Err: "host name suffix"},
		{Name: "namespace invalid", Meta: q("namespace", "ab"), Auth: auth, Param: "namespace", Err: "6 to 50"},
	}
	scalertest.CheckParamCases(t, New(nil), scalers.Config{Index: 1, Type: Type}, scalertest.ParamErr{Trigger: "trigger 1 (azure-servicebus)", Secrets: []string{testKey, "SharedAccessKey="}}, tests)
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
