package azureeventhub

import (
	"slices"
	"testing"
)

func TestLayout(t *testing.T) {
	const fqdn, hub, cg = "NS.servicebus.windows.net", "Orders", "$Default"
	tests := []struct {
		strategy, container string
		wantContainer       string
		wantPrefixes        []string
		wantJSON            string
		wantKind            jsonKind
	}{
		{"", "", FunctionsContainer, []string{"ns.servicebus.windows.net/orders/$default/checkpoint/", "NS.servicebus.windows.net/Orders/$default/checkpoint/"},
			"NS.servicebus.windows.net/Orders/$Default/3", jsonFunctions},
		{StrategyAzureFunction, "ignored", FunctionsContainer, []string{"ns.servicebus.windows.net/orders/$default/checkpoint/", "NS.servicebus.windows.net/Orders/$default/checkpoint/"},
			"NS.servicebus.windows.net/Orders/$Default/3", jsonFunctions},
		{StrategyBlobMetadata, "cp", "cp", []string{"NS.servicebus.windows.net/Orders/$default/checkpoint/", "NS.servicebus.windows.net/Orders/$Default/checkpoint/", "ns.servicebus.windows.net/orders/$default/checkpoint/"},
			"", jsonNone},
		{StrategyGoSdk, "cp", "cp", nil, "3", jsonGoSdk},
		{StrategyDapr, "cp", "cp", nil, "dapr-Orders-$Default-3", jsonGoSdk},
		{"", "cp", "cp", nil, "$Default/3", jsonDefault},
	}
	for _, tt := range tests {
		t.Run(tt.strategy+"/"+tt.container, func(t *testing.T) {
			l := newLayout(tt.strategy, tt.container, fqdn, hub, cg)
			if l.container != tt.wantContainer || !slices.Equal(l.prefixes, tt.wantPrefixes) || l.kind != tt.wantKind {
				t.Fatalf("layout = %+v", l)
			}
			if tt.wantJSON != "" && l.jsonPrefix+"3" != tt.wantJSON {
				t.Fatalf("json blob = %q, want %q", l.jsonPrefix+"3", tt.wantJSON)
			}
		})
	}
}

func TestDecodeCheckpoint(t *testing.T) {
	tests := []struct {
		name    string
		kind    jsonKind
		body    string
		md      map[string]string
		want    checkpoint
		wantErr bool
	}{
		{name: "functions", kind: jsonFunctions, body: `{"Offset":"1234","SequenceNumber":57,"PartitionId":"0","Owner":"x","Token":"t","Epoch":3}`, want: checkpoint{true, 57}},
		{name: "functions lease without checkpoint", kind: jsonFunctions, body: `{"PartitionId":"0","Owner":"x","Token":"t","Epoch":1}`},
		{name: "empty body", kind: jsonFunctions, body: " "},
		{name: "go sdk", kind: jsonGoSdk, body: `{"partitionId":"0","epoch":0,"owner":"","checkpoint":{"offset":"-1","sequenceNumber":12,"enqueueTime":"0001-01-01T00:00:00Z"},"state":"available","token":""}`, want: checkpoint{true, 12}},
		{name: "go sdk no checkpoint", kind: jsonGoSdk, body: `{"partitionId":"0"}`},
		{name: "default", kind: jsonDefault, body: `{"SequenceNumber":9}`, want: checkpoint{true, 9}},
		{name: "python", kind: jsonDefault, body: `{"partition_id":"0","sequence_number":77}`, want: checkpoint{true, 77}},
		{name: "zero", kind: jsonDefault, body: `{"SequenceNumber":0}`, want: checkpoint{true, 0}},
		{name: "not json", kind: jsonFunctions, body: `<xml/>`, wantErr: true},
		{name: "fraction", kind: jsonFunctions, body: `{"SequenceNumber":1.5}`, wantErr: true},
		{name: "too big", kind: jsonFunctions, body: `{"SequenceNumber":99999999999999999999}`, wantErr: true},
		{name: "metadata", md: map[string]string{"offset": "100", "sequencenumber": "41"}, want: checkpoint{true, 41}},
		{name: "metadata canonical case", md: map[string]string{"Sequencenumber": "5"}, want: checkpoint{true, 5}},
		{name: "metadata negative", md: map[string]string{"sequencenumber": "-1"}, want: checkpoint{true, -1}},
		{name: "metadata missing", md: map[string]string{"offset": "100"}, wantErr: true},
		{name: "metadata garbage", md: map[string]string{"sequencenumber": "x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got checkpoint
			var err error
			if tt.md != nil {
				got, err = decodeMetadata(tt.md)
			} else {
				got, err = decodeJSON(tt.kind, []byte(tt.body))
			}
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func FuzzDecodeCheckpoint(f *testing.F) {
	f.Add(byte(1), []byte(`{"SequenceNumber":57}`), "57")
	f.Add(byte(2), []byte(`{"checkpoint":{"sequenceNumber":1}}`), "-1")
	f.Add(byte(3), []byte(`{"sequence_number":7}`), "x")
	f.Fuzz(func(t *testing.T, kind byte, body []byte, seq string) {
		cp, err := decodeJSON(jsonKind(kind%4), body)
		if err != nil && cp.Found {
			t.Fatalf("error %v with a checkpoint %+v", err, cp)
		}
		cp, err = decodeMetadata(map[string]string{"sequencenumber": seq})
		if err != nil && cp.Found {
			t.Fatalf("error %v with a checkpoint %+v", err, cp)
		}
	})
}
