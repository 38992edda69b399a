package functions

import "testing"

func FuzzParseFunctionJSON(f *testing.F) {
	f.Add([]byte(`{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"%Q%"}]}`))
	f.Add([]byte(`{"bindings":[{"type":"blobTrigger","direction":"in","name":"b","path":"c/{name}"}]}`))
	f.Add([]byte(`{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"m","topicName":"t"}]}`))
	f.Add([]byte(`{"bindings":[1, null, {}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fn, err := ParseFunctionJSON("Fn", "Fn/function.json", data)
		if err != nil {
			return
		}
		p := &Project{Functions: []Function{fn}, Settings: Settings{Values: map[string]string{"Q": "q"}}}
		_, _ = p.Plan()
	})
}

func FuzzParseSettings(f *testing.F) {
	f.Add([]byte(`{"IsEncrypted":false,"Values":{"A":"b"}}`))
	f.Add([]byte(`{"IsEncrypted":true}`))
	f.Add([]byte(`{"Values":{"A":1}}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSettings(data)
		if err == nil && s.Values == nil {
			t.Fatal("nil Values without an error")
		}
	})
}

func FuzzParseFunctionsMetadata(f *testing.F) {
	f.Add([]byte(`[{"name":"a","bindings":[{"type":"kafkaTrigger","direction":"In","name":"e","brokerList":"b","topic":"t","consumerGroup":"g"}]}]`))
	f.Add([]byte(`[{}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fns, err := ParseFunctionsMetadata(data)
		if err != nil {
			return
		}
		_, _ = (&Project{Functions: fns}).Plan()
	})
}
