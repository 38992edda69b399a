package appmanifests

import (
	"maps"
	"strings"
	"testing"
)

func TestParseTrigger(t *testing.T) {
	tests := []struct {
		flag     string
		wantType string
		want     map[string]string
	}{
		{"azure-queue:queueName=q,connectionFromEnv=AzureWebJobsStorage", "azure-queue",
			map[string]string{"queueName": "q", "connectionFromEnv": "AzureWebJobsStorage"}},
		{"kafka:bootstrapServers=a:9092,b:9092,topic=t,consumerGroup=g", "kafka",
			map[string]string{"bootstrapServers": "a:9092,b:9092", "topic": "t", "consumerGroup": "g"}},
		{`prometheus:serverAddress=http://p:9090,query=sum(rate(x{a="1"\,b="2"}[1m])),threshold=5`, "prometheus",
			map[string]string{"serverAddress": "http://p:9090", "query": `sum(rate(x{a="1",b="2"}[1m]))`, "threshold": "5"}},
		{`prometheus:serverAddress=http://p:9090,query=sum(rate(x{a="1",b="2"}[1m])),threshold=5`, "prometheus",
			map[string]string{"serverAddress": "http://p:9090", "query": `sum(rate(x{a="1",b="2"}[1m]))`, "threshold": "5"}},
		{`prometheus:query=x{job='a,b=c'},threshold=5`, "prometheus",
			map[string]string{"query": `x{job='a,b=c'}`, "threshold": "5"}},
		{"metrics-api:url=http://x/?a=1&b=2,valueLocation=v", "metrics-api",
			map[string]string{"url": "http://x/?a=1&b=2", "valueLocation": "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			got, err := ParseTrigger(tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tt.wantType || !maps.Equal(got.Metadata, tt.want) {
				t.Errorf("ParseTrigger = %s %v, want %s %v", got.Type, got.Metadata, tt.wantType, tt.want)
			}
		})
	}
}

func TestParseTriggerErrors(t *testing.T) {
	tests := []struct {
		flag string
		want string
	}{
		{"", "--trigger: want type:key=value"},
		{"azure-queue", "--trigger: want type:key=value"},
		{":a=b", "--trigger: want type:key=value"},
		{"Azure_Queue:a=b", `--trigger "Azure_Queue": type`},
		{"kafka:", "--trigger kafka: want key=value"},
		{"kafka:topic", "--trigger kafka: want key=value"},
		{"kafka:topic=a,topic=b", `--trigger kafka: key "topic" given twice`},
		{"kafka:topic=", `--trigger kafka: key "topic" has an empty value`},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			_, err := ParseTrigger(tt.flag)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := ParseTrigger("rabbitmq:host=amqp://user:s3cret@h,host=x"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error = %v, want one that does not echo values", err)
	}
}

func FuzzParseTrigger(f *testing.F) {
	f.Add("azure-queue:queueName=q,connectionFromEnv=C")
	f.Add(`kafka:a=b\,c,d,e=f`)
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseTrigger(s)
		if err == nil && (tr.Type == "" || len(tr.Metadata) == 0) {
			t.Fatalf("ParseTrigger(%q) = %+v without an error", s, tr)
		}
	})
}
