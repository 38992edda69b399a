package azureeventhub

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

const (
	testHubKey     = "aHViLWtleS1mb3ItdGVzdHMtb25seQ=="
	testHubConn    = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=" + testHubKey
	testStorageKey = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ=="
	testStorage    = "AccountName=acct;AccountKey=" + testStorageKey
)

func newTrigger(t *testing.T, meta, auth, env map[string]string) (*scalers.Trigger, error) {
	t.Helper()
	return New(nil, nil)(scalers.Config{Index: 2, Type: Type, Metadata: meta, AuthParams: auth, Env: env})
}

func with(base map[string]string, kv ...string) map[string]string {
	return scalertest.With(base, kv...)
}

func TestDecode(t *testing.T) {
	auth := map[string]string{"connection": testHubConn, "storageConnection": testStorage}
	meta := map[string]string{"eventHubName": "orders"}
	tests := []struct {
		name      string
		meta      map[string]string
		auth, env map[string]string
		wantParam string
		wantErr   string
	}{
		{"no connection", meta, map[string]string{"storageConnection": testStorage}, nil, "connection", "required but not set"},
		{"connection inline", with(meta, "connection", testHubConn), map[string]string{"storageConnection": testStorage}, nil, "connection", "refused"},
		{"connectionFromEnv unset", with(meta, "connectionFromEnv", "EH"), map[string]string{"storageConnection": testStorage}, nil, "connection", `"EH"`},
		{"connection malformed", meta, map[string]string{"connection": "Endpoint=sb://ns/;SharedAccessKey=" + testHubKey, "storageConnection": testStorage}, nil, "connection", "SharedAccessKeyName"},
		{"connection garbage", meta, map[string]string{"connection": testHubKey, "storageConnection": testStorage}, nil, "connection", "not a valid"},
		{"no hub name", map[string]string{}, auth, nil, "eventHubName", "no EntityPath"},
		{"hub name invalid", map[string]string{"eventHubName": "a/b"}, auth, nil, "eventHubName", `got "a/b"`},
		{"no storage", meta, map[string]string{"connection": testHubConn}, nil, "storageConnection", "required but not set"},
		{"storage inline", with(meta, "storageConnection", testStorage), map[string]string{"connection": testHubConn}, nil, "storageConnection", "refused"},
		{"storage malformed", meta, map[string]string{"connection": testHubConn, "storageConnection": "AccountName=acct"}, nil, "storageConnection", "neither AccountKey"},
		{"threshold zero", with(meta, "unprocessedEventThreshold", "0"), auth, nil, "unprocessedEventThreshold", "greater than 0"},
		{"threshold text", with(meta, "unprocessedEventThreshold", "many"), auth, nil, "unprocessedEventThreshold", `got "many"`},
		{"activation negative", with(meta, "activationUnprocessedEventThreshold", "-1"), auth, nil, "activationUnprocessedEventThreshold", "at least 0"},
		{"stale negative", with(meta, "stalePartitionInfoThreshold", "-1"), auth, nil, "stalePartitionInfoThreshold", "at least 0"},
		{"strategy unknown", with(meta, "checkpointStrategy", "python"), auth, nil, "checkpointStrategy", `got "python"`},
		{"blobMetadata without container", with(meta, "checkpointStrategy", "blobMetadata"), auth, nil, "blobContainer", "required"},
		{"dapr without container", with(meta, "checkpointStrategy", "dapr"), auth, nil, "blobContainer", "required"},
		{"container invalid", with(meta, "blobContainer", "Checkpoints"), auth, nil, "blobContainer", "want a container name"},
		{"consumer group invalid", with(meta, "consumerGroup", "a/b"), auth, nil, "consumerGroup", `got "a/b"`},
		{"cloud unknown", with(meta, "cloud", "Mars"), auth, nil, "cloud", "want one of"},
		{"private without suffix", with(meta, "cloud", "Private"), auth, nil, "endpointSuffix", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTrigger(t, tt.meta, tt.auth, tt.env)
			scalertest.ParamErr{Trigger: "trigger 2 (azure-eventhub)", Param: tt.wantParam, Contains: tt.wantErr, Secrets: []string{testHubKey, testStorageKey}}.Check(t, err)
		})
	}
}

func TestTrigger(t *testing.T) {
	env := map[string]string{"EH": testHubConn + ";EntityPath=orders", "STORAGE": testStorage}
	tr, err := newTrigger(t, map[string]string{"connectionFromEnv": "EH", "storageConnectionFromEnv": "STORAGE"}, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if tr.MetricName != "azure-eventhub-$Default" || tr.Target != 64 || tr.ActivationTarget != 0 || tr.Warning != "" {
		t.Fatalf("defaults: %+v", tr)
	}
	if got := scalers.MetricName(2, tr.MetricName); got != "s2-azure-eventhub-$Default" {
		t.Fatalf("metric name %s", got)
	}
	src := tr.Source.(*source)
	if src.layout.container != FunctionsContainer || src.layout.kind != jsonFunctions {
		t.Fatalf("default layout %+v", src.layout)
	}
	if strings.Contains(tr.Key, testHubKey) || strings.Contains(tr.Key, testStorageKey) ||
		!strings.HasPrefix(tr.Key, "azure-eventhub ns.servicebus.windows.net orders $Default  azure-webjobs-eventhub https://acct.blob.core.windows.net 64 10000 ") {
		t.Fatalf("key %q", tr.Key)
	}

	tr, err = newTrigger(t, map[string]string{"eventHubName": "other", "consumerGroup": "workers", "unprocessedEventThreshold": "10",
		"activationUnprocessedEventThreshold": "3", "checkpointStrategy": "azureFunction", "blobContainer": "mine",
		"storageConnection": "UseDevelopmentStorage=true", "connectionFromEnv": "EH"}, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`eventHubName "other" differs`, "local storage emulator", `blobContainer "mine" is ignored`} {
		if !strings.Contains(tr.Warning, want) {
			t.Errorf("warning %q lacks %q", tr.Warning, want)
		}
	}
	if tr.MetricName != "azure-eventhub-workers" || tr.Target != 10 || tr.ActivationTarget != 3 {
		t.Fatalf("trigger %+v", tr)
	}

	emu := "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k;SharedAccessKey=" + testHubKey + ";UseDevelopmentEmulator=true"
	tr, err = newTrigger(t, map[string]string{"eventHubName": "orders", "checkpointStrategy": "blobMetadata", "blobContainer": "checkpoints"},
		map[string]string{"connection": emu, "storageConnection": testStorage}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.Warning, "Event Hubs emulator (127.0.0.1:5672)") {
		t.Fatalf("warning %q", tr.Warning)
	}
	if l := tr.Source.(*source).layout; l.container != "checkpoints" || l.kind != jsonNone || len(l.prefixes) != 2 {
		t.Fatalf("layout %+v", l)
	}
}

func FuzzTrigger(f *testing.F) {
	f.Add("orders", "$Default", "64", "0", "blobMetadata", "checkpoints", testHubConn, testStorage)
	f.Add("", "", "x", "-1", "dapr", "", "Endpoint=sb://127.0.0.1:1;UseDevelopmentEmulator=maybe", "UseDevelopmentStorage=true")
	f.Fuzz(func(t *testing.T, hub, cg, threshold, activation, strategy, container, conn, storage string) {
		meta := map[string]string{"eventHubName": hub, "consumerGroup": cg, "unprocessedEventThreshold": threshold,
			"activationUnprocessedEventThreshold": activation, "checkpointStrategy": strategy, "blobContainer": container}
		tr, err := New(nil, nil)(scalers.Config{Type: Type, Metadata: meta, AuthParams: map[string]string{"connection": conn, "storageConnection": storage}})
		if err != nil {
			for _, secret := range []string{conn, storage} {
				if len(secret) > 12 && strings.Contains(err.Error(), secret) {
					t.Fatalf("error shows a connection string: %v", err)
				}
			}
			return
		}
		if tr.Target <= 0 || tr.ActivationTarget < 0 || tr.Source == nil {
			t.Fatalf("trigger %+v", tr)
		}
	})
}
