package azureeventhub

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

const (
	testHubKey  = "aHViLWtleS1mb3ItdGVzdHMtb25seQ=="
	testHubConn = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=" + testHubKey
)

func newTrigger(t *testing.T, meta, auth, env map[string]string) (*scalers.Trigger, error) {
	t.Helper()
	return New(nil, nil)(scalers.Config{Index: 2, Type: Type, Metadata: meta, AuthParams: auth, Env: env})
}

func with(base map[string]string, kv ...string) map[string]string {
	return scalertest.With(base, kv...)
}

func TestDecode(t *testing.T) {
	auth := map[string]string{"connection": testHubConn, "storageConnection": scalertest.StorageConnection}
	meta := map[string]string{"eventHubName": "orders"}
	tests := []scalertest.Case{
		{Name: "no connection", Meta: meta, Auth: map[string]string{"storageConnection": scalertest.StorageConnection}, Param: "connection", Err: "required but not set"},
		{Name: "connection inline", Meta: with(meta, "connection", testHubConn), Auth: map[string]string{"storageConnection": scalertest.StorageConnection}, Param: "connection", Err: "refused"},
		{Name: "connectionFromEnv unset", Meta: with(meta, "connectionFromEnv", "EH"), Auth: map[string]string{"storageConnection": scalertest.StorageConnection}, Param: "connection", Err: `"EH"`},
		{Name: "connection malformed", Meta: meta, Auth: map[string]string{"connection": "Endpoint=sb://ns/;SharedAccessKey=" + testHubKey, "storageConnection": scalertest.StorageConnection}, Param: "connection", Err: "SharedAccessKeyName"},
		{Name: "connection garbage", Meta: meta, Auth: map[string]string{"connection": testHubKey, "storageConnection": scalertest.StorageConnection}, Param: "connection", Err: "not a valid"},
		{Name: "no hub name", Meta: map[string]string{}, Auth: auth, Param: "eventHubName", Err: "no EntityPath"},
		{Name: "hub name invalid", Meta: map[string]string{"eventHubName": "a/b"}, Auth: auth, Param: "eventHubName", Err: `got "a/b"`},
		{Name: "no storage", Meta: meta, Auth: map[string]string{"connection": testHubConn}, Param: "storageConnection", Err: "required but not set"},
		{Name: "storage inline", Meta: with(meta, "storageConnection", scalertest.StorageConnection), Auth: map[string]string{"connection": testHubConn}, Param: "storageConnection", Err: "refused"},
		{Name: "storage malformed", Meta: meta, Auth: map[string]string{"connection": testHubConn, "storageConnection": "AccountName=acct"}, Param: "storageConnection", Err: "neither AccountKey"},
		{Name: "threshold zero", Meta: with(meta, "unprocessedEventThreshold", "0"), Auth: auth, Param: "unprocessedEventThreshold", Err: "greater than 0"},
		{Name: "threshold text", Meta: with(meta, "unprocessedEventThreshold", "many"), Auth: auth, Param: "unprocessedEventThreshold", Err: `got "many"`},
		{Name: "activation negative", Meta: with(meta, "activationUnprocessedEventThreshold", "-1"), Auth: auth, Param: "activationUnprocessedEventThreshold", Err: "at least 0"},
		{Name: "stale negative", Meta: with(meta, "stalePartitionInfoThreshold", "-1"), Auth: auth, Param: "stalePartitionInfoThreshold", Err: "at least 0"},
		{Name: "strategy unknown", Meta: with(meta, "checkpointStrategy", "python"), Auth: auth, Param: "checkpointStrategy", Err: `got "python"`},
		{Name: "blobMetadata without container", Meta: with(meta, "checkpointStrategy", "blobMetadata"), Auth: auth, Param: "blobContainer", Err: "required"},
		{Name: "dapr without container", Meta: with(meta, "checkpointStrategy", "dapr"), Auth: auth, Param: "blobContainer", Err: "required"},
		{Name: "container invalid", Meta: with(meta, "blobContainer", "Checkpoints"), Auth: auth, Param: "blobContainer", Err: "want a container name"},
		{Name: "consumer group invalid", Meta: with(meta, "consumerGroup", "a/b"), Auth: auth, Param: "consumerGroup", Err: `got "a/b"`},
		{Name: "cloud unknown", Meta: with(meta, "cloud", "Mars"), Auth: auth, Param: "cloud", Err: "want one of"},
		{Name: "private without suffix", Meta: with(meta, "cloud", "Private"), Auth: auth, Param: "endpointSuffix", Err: "required"},
	}
	scalertest.CheckParamCases(t, New(nil, nil), scalers.Config{Index: 2, Type: Type}, scalertest.ParamErr{Trigger: "trigger 2 (azure-eventhub)", Secrets: []string{testHubKey, scalertest.StorageKey}}, tests)
}

func TestTrigger(t *testing.T) {
	env := map[string]string{"EH": testHubConn + ";EntityPath=orders", "STORAGE": scalertest.StorageConnection}
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
	if strings.Contains(tr.Key, testHubKey) || strings.Contains(tr.Key, scalertest.StorageKey) ||
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
		map[string]string{"connection": emu, "storageConnection": scalertest.StorageConnection}, nil)
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
	f.Add("orders", "$Default", "64", "0", "blobMetadata", "checkpoints", testHubConn, scalertest.StorageConnection)
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
