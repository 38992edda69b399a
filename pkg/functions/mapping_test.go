package functions

import (
	"maps"
	"strings"
	"testing"
)

// planOne parses one function.json for function "Fn" and plans it with
// the settings values.
func planOne(t *testing.T, functionJSON string, values map[string]string) (*Plan, error) {
	t.Helper()
	fn, err := ParseFunctionJSON("Fn", "Fn/function.json", []byte(functionJSON))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p := &Project{Functions: []Function{fn}, Settings: Settings{Values: values}}
	return p.Plan()
}

func TestPlanMapping(t *testing.T) {
	values := map[string]string{
		"AzureWebJobsStorage": "x", "AzureWebJobsServiceBus": "x", "Conn": "x", "AzureWebJobsLegacy": "x",
		"Queue": "from-setting", "Brokers": "b1:9092,b2:9092", "Rabbit": "amqp://h",
	}
	tests := []struct {
		name     string
		binding  string
		wantType string
		want     map[string]string
	}{
		{"queue default connection", `"type":"queueTrigger","queueName":"q"`, "azure-queue",
			map[string]string{"queueName": "q", "connectionFromEnv": "AzureWebJobsStorage"}},
		{"queue expression and connection", `"type":"queueTrigger","queueName":"%Queue%-x","connection":"Conn"`, "azure-queue",
			map[string]string{"queueName": "from-setting-x", "connectionFromEnv": "Conn"}},
		{"queue AzureWebJobs prefix", `"type":"QueueTrigger","queueName":"q","connection":"Legacy"`, "azure-queue",
			map[string]string{"queueName": "q", "connectionFromEnv": "AzureWebJobsLegacy"}},
		{"blob with prefix", `"type":"blobTrigger","path":"c/in/sub/{name}.png"`, "azure-blob",
			map[string]string{"blobContainerName": "c", "blobPrefix": "in/sub/", "connectionFromEnv": "AzureWebJobsStorage"}},
		{"blob container only", `"type":"blobTrigger","path":"c/{name}","connection":"Conn"`, "azure-blob",
			map[string]string{"blobContainerName": "c", "connectionFromEnv": "Conn"}},
		{"kafka broker setting", `"type":"kafkaTrigger","brokerList":"Brokers","topic":"t","consumerGroup":"g","protocol":"SASLSSL"`, "kafka",
			map[string]string{"bootstrapServers": "b1:9092,b2:9092", "topic": "t", "consumerGroup": "g"}},
		{"kafka broker literal", `"type":"kafkaTrigger","brokerList":"k:9092","topic":"t","consumerGroup":"g"`, "kafka",
			map[string]string{"bootstrapServers": "k:9092", "topic": "t", "consumerGroup": "g"}},
		{"rabbitmq", `"type":"rabbitMQTrigger","queueName":"q","connectionStringSetting":"Rabbit"`, "rabbitmq",
			map[string]string{"queueName": "q", "hostFromEnv": "Rabbit"}},
		{"servicebus queue", `"type":"serviceBusTrigger","queueName":"q","isSessionsEnabled":true`, "azure-servicebus",
			map[string]string{"queueName": "q", "connectionFromEnv": "AzureWebJobsServiceBus"}},
		{"servicebus topic", `"type":"serviceBusTrigger","topicName":"t","subscriptionName":"s","connection":"Conn"`, "azure-servicebus",
			map[string]string{"topicName": "t", "subscriptionName": "s", "connectionFromEnv": "Conn"}},
		{"eventhub", `"type":"eventHubTrigger","connection":"Conn","eventHubName":"h","consumerGroup":"$Default","cardinality":"many"`, "azure-eventhub",
			map[string]string{"connectionFromEnv": "Conn", "eventHubName": "h", "consumerGroup": "$Default", "storageConnectionFromEnv": "AzureWebJobsStorage",
				"checkpointStrategy": "azureFunction"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := planOne(t, `{"bindings":[{"name":"b","direction":"in",`+tt.binding+`}]}`, values)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if len(plan.Scaled) != 1 {
				t.Fatalf("Scaled = %v, want one", plan.Scaled)
			}
			got := plan.Scaled[0].Trigger
			if got.Type != tt.wantType || got.Name != "Fn" || !maps.Equal(got.Metadata, tt.want) {
				t.Errorf("trigger = %s %q %v, want %s Fn %v", got.Type, got.Name, got.Metadata, tt.wantType, tt.want)
			}
			if len(plan.Warnings) != 0 {
				t.Errorf("warnings = %v, want none", plan.Warnings)
			}
		})
	}
}

func TestPlanHTTPAndUnmapped(t *testing.T) {
	for _, typ := range []string{"timerTrigger", "cosmosDBTrigger", "eventGridTrigger"} {
		t.Run(typ, func(t *testing.T) {
			plan, err := planOne(t, `{"bindings":[{"name":"tick","direction":"in","type":"`+typ+`"}]}`, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Scaled) != 0 || len(plan.Workers) != 1 || len(plan.Warnings) != 1 {
				t.Fatalf("plan = %+v, want one unscaled worker and one warning", plan)
			}
			w := plan.Warnings[0].String()
			if !strings.Contains(w, `"Fn"`) || !strings.Contains(w, `"tick"`) || !strings.Contains(w, typ) {
				t.Errorf("warning %q must name the function, the binding and the type", w)
			}
		})
	}
	plan, err := planOne(t, `{"bindings":[{"name":"req","direction":"in","type":"httpTrigger"},{"name":"$return","direction":"out","type":"http"}]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.HTTP) != 1 || len(plan.Workers) != 0 {
		t.Errorf("plan = %+v, want one HTTP function", plan)
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name    string
		binding string
		want    []string
	}{
		{"queue without queueName", `"type":"queueTrigger"`, []string{"Fn/function.json", "queueName", "required"}},
		{"blob without path", `"type":"blobTrigger"`, []string{"Fn/function.json", "path", "required"}},
		{"blob path without container", `"type":"blobTrigger","path":"{name}"`, []string{"path", "container"}},
		{"kafka without topic", `"type":"kafkaTrigger","brokerList":"b","consumerGroup":"g"`, []string{"Fn/function.json", "topic", "required"}},
		{"rabbit without connection", `"type":"rabbitMQTrigger","queueName":"q"`, []string{"connectionStringSetting", "required"}},
		{"servicebus neither", `"type":"serviceBusTrigger"`, []string{"queueName", "required"}},
		{"servicebus both", `"type":"serviceBusTrigger","queueName":"q","topicName":"t"`, []string{"not both"}},
		{"servicebus topic without subscription", `"type":"serviceBusTrigger","topicName":"t"`, []string{"subscriptionName", "required"}},
		{"eventhub without connection", `"type":"eventHubTrigger"`, []string{"connection", "required"}},
		{"unknown setting", `"type":"queueTrigger","queueName":"%Missing%"`,
			[]string{`function "Fn"`, `binding "b"`, "queueName", `setting "Missing"`}},
		{"non-string field", `"type":"queueTrigger","queueName":3`, []string{"queueName", "must be a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planOne(t, `{"bindings":[{"name":"b","direction":"in",`+tt.binding+`}]}`, map[string]string{})
			expectErrorContaining(t, err, tt.want...)
		})
	}
}

func TestMappedTriggerTypes(t *testing.T) {
	got := MappedTriggerTypes()
	if got["queuetrigger"] != "azure-queue" || len(got) != 6 {
		t.Errorf("MappedTriggerTypes() = %v", got)
	}
}

func TestPlanServiceBusMessageCountFromHost(t *testing.T) {
	values := map[string]string{"AzureWebJobsServiceBus": "x"}
	host := func(sb string) map[string]any {
		h, err := ParseHost([]byte(`{"version":"2.0","extensions":{"serviceBus":` + sb + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name    string
		binding string
		host    map[string]any
		want    string // messageCount; "" for none
		wantErr string
	}{
		{"no host settings", `"queueName":"q"`, nil, "", ""},
		{"v5 maxConcurrentCalls", `"queueName":"q"`, host(`{"maxConcurrentCalls":32,"maxConcurrentSessions":4}`), "32", ""},
		{"keys in any case", `"queueName":"q"`, map[string]any{"Extensions": map[string]any{"ServiceBus": map[string]any{"MaxConcurrentCalls": 3.0}}}, "3", ""},
		{"v2 messageHandlerOptions", `"topicName":"t","subscriptionName":"s"`, host(`{"messageHandlerOptions":{"maxConcurrentCalls":8}}`), "8", ""},
		{"v5 wins over v2", `"queueName":"q"`, host(`{"maxConcurrentCalls":2,"messageHandlerOptions":{"maxConcurrentCalls":8}}`), "2", ""},
		{"sessions v5", `"queueName":"q","isSessionsEnabled":true`, host(`{"maxConcurrentCalls":32,"maxConcurrentSessions":4}`), "4", ""},
		{"sessions v2", `"queueName":"q","isSessionsEnabled":true`, host(`{"sessionHandlerOptions":{"maxConcurrentSessions":20}}`), "20", ""},
		{"sessions ignore maxConcurrentCalls", `"queueName":"q","isSessionsEnabled":true`, host(`{"maxConcurrentCalls":32}`), "", ""},
		{"batch v5", `"queueName":"q","cardinality":"many"`, host(`{"maxConcurrentCalls":32,"maxMessageBatchSize":100}`), "100", ""},
		{"batch v2", `"queueName":"q","cardinality":"Many"`, host(`{"batchOptions":{"maxMessageCount":50}}`), "50", ""},
		{"zero", `"queueName":"q"`, host(`{"maxConcurrentCalls":0}`), "", "extensions.serviceBus.maxConcurrentCalls: must be a whole number of at least 1"},
		{"fraction", `"queueName":"q"`, host(`{"maxConcurrentCalls":1.5}`), "", "got 1.5"},
		{"string", `"queueName":"q"`, host(`{"maxConcurrentCalls":"16"}`), "", "host.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := ParseFunctionJSON("Fn", "Fn/function.json", []byte(`{"bindings":[{"name":"m","direction":"in","type":"serviceBusTrigger",`+tt.binding+`}]}`))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := (&Project{Functions: []Function{fn}, Host: tt.host, Settings: Settings{Values: values}}).Plan()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, ok := plan.Scaled[0].Trigger.Metadata["messageCount"]
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("messageCount = %q (set %v), want %q", got, ok, tt.want)
			}
		})
	}
}
