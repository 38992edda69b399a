package functions

import (
	"maps"
	"strings"
	"testing"
)

func TestEventHubFromHost(t *testing.T) {
	const binding = `{"bindings":[{"name":"events","direction":"in","type":"eventHubTrigger","connection":"Hub","eventHubName":"orders","cardinality":"many"}]}`
	base := map[string]string{"connectionFromEnv": "Hub", "eventHubName": "orders", "storageConnectionFromEnv": "AzureWebJobsStorage"}
	v5 := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		m["checkpointStrategy"], m["blobContainer"] = "blobMetadata", "azure-webjobs-eventhub"
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	legacy := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		m["checkpointStrategy"] = "azureFunction"
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		host    string
		want    map[string]string
		wantErr string
	}{
		{"bundle 4: extension 5 defaults", `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.*, 5.0.0)"}}`,
			v5("unprocessedEventThreshold", "100"), ""},
		{"bundle 3 with batch size", `{"version":"2.0","extensionBundle":{"version":"[3.3.0, 4.0.0)"},"extensions":{"eventHubs":{"maxEventBatchSize":25}}}`,
			v5("unprocessedEventThreshold", "25"), ""},
		{"target threshold wins", `{"version":"2.0","extensionBundle":{"version":"[4.*, 5.0.0)"},"extensions":{"eventHubs":{"maxEventBatchSize":25,"targetUnprocessedEventThreshold":300}}}`,
			v5("unprocessedEventThreshold", "300"), ""},
		{"keys without regard to case", `{"version":"2.0","ExtensionBundle":{"Version":"[4.*, 5.0.0)"},"Extensions":{"EventHubs":{"TargetUnprocessedEventThreshold":7}}}`,
			v5("unprocessedEventThreshold", "7"), ""},
		{"bundle 2: extension 4", `{"version":"2.0","extensionBundle":{"version":"[2.*, 3.0.0)"}}`,
			legacy("unprocessedEventThreshold", "10"), ""},
		{"bundle 1 with batch size", `{"version":"2.0","extensionBundle":{"version":"[1.*, 2.0.0)"},"extensions":{"eventHubs":{"eventProcessorOptions":{"maxBatchSize":64}}}}`,
			legacy("unprocessedEventThreshold", "64"), ""},
		{"no bundle", `{"version":"2.0"}`, legacy(), ""},
		{"no bundle, threshold set", `{"version":"2.0","extensions":{"eventHubs":{"targetUnprocessedEventThreshold":50}}}`,
			legacy("unprocessedEventThreshold", "50"), ""},
		{"bundle not understood", `{"version":"2.0","extensionBundle":{"version":"latest"}}`, legacy(), ""},
		{"threshold zero", `{"version":"2.0","extensions":{"eventHubs":{"targetUnprocessedEventThreshold":0}}}`, nil,
			"extensions.eventHubs.targetUnprocessedEventThreshold: must be a whole number"},
		{"batch size text", `{"version":"2.0","extensionBundle":{"version":"[4.*, 5.0.0)"},"extensions":{"eventHubs":{"maxEventBatchSize":"ten"}}}`, nil,
			"extensions.eventHubs.maxEventBatchSize: must be a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, err := ParseHost([]byte(tt.host))
			if err != nil {
				t.Fatal(err)
			}
			fn, err := ParseFunctionJSON("Fn", "Fn/function.json", []byte(binding))
			if err != nil {
				t.Fatal(err)
			}
			p := &Project{Functions: []Function{fn}, Host: host, Settings: Settings{Values: map[string]string{"Hub": "x"}}}
			plan, err := p.Plan()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), HostFile) {
					t.Fatalf("err = %v, want one about %s saying %q", err, HostFile, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.Scaled[0].Trigger.Metadata; !maps.Equal(got, tt.want) {
				t.Fatalf("metadata = %v\nwant       %v", got, tt.want)
			}
		})
	}
}
