package functions

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestParseFunctionJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"invalid JSON", `{"bindings": [`, []string{"Fn/function.json", "invalid JSON"}},
		{"not an object", `[]`, []string{"Fn/function.json", "must be a JSON object"}},
		{"no bindings", `{}`, []string{"Fn/function.json", "bindings", "required"}},
		{"bindings not an array", `{"bindings":{}}`, []string{"bindings", "must be an array"}},
		{"binding not an object", `{"bindings":[1]}`, []string{"bindings[0]", "must be an object"}},
		{"missing type", `{"bindings":[{"direction":"in","name":"x"}]}`, []string{"bindings[0].type", "required"}},
		{"missing direction", `{"bindings":[{"type":"queueTrigger","name":"x"}]}`, []string{"bindings[0].direction", "required"}},
		{"missing name", `{"bindings":[{"type":"queueTrigger","direction":"in"}]}`, []string{"bindings[0].name", "required"}},
		{"bad direction", `{"bindings":[{"type":"queueTrigger","direction":"sideways","name":"x"}]}`, []string{"direction", "sideways"}},
		{"trigger out", `{"bindings":[{"type":"queueTrigger","direction":"out","name":"x"}]}`, []string{"direction", "trigger"}},
		{"no trigger", `{"bindings":[{"type":"blob","direction":"in","name":"x"}]}`, []string{"no trigger"}},
		{"two triggers", `{"bindings":[{"type":"queueTrigger","direction":"in","name":"x"},{"type":"httpTrigger","direction":"in","name":"y"}]}`,
			[]string{"bindings[1].type", "second trigger"}},
		{"trailing data", `{"bindings":[]} {}`, []string{"data after the document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFunctionJSON("Fn", "Fn/function.json", []byte(tt.data))
			expectErrorContaining(t, err, tt.want...)
		})
	}
}

func TestParseSettings(t *testing.T) {
	s, err := ParseSettings([]byte("\xef\xbb\xbf" + `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"node","A":"1"},"ConnectionStrings":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.WorkerRuntime() != "node" || strings.Join(s.Names(), ",") != "A,FUNCTIONS_WORKER_RUNTIME" {
		t.Errorf("settings = %+v", s)
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"invalid JSON", `{`, "local.settings.json: invalid JSON"},
		{"not an object", `"x"`, "must be a JSON object"},
		{"IsEncrypted not bool", `{"IsEncrypted":"no"}`, "IsEncrypted: must be true or false"},
		{"Values not object", `{"Values":[]}`, "Values: must be an object"},
		{"value not string", `{"Values":{"N":1}}`, "Values.N: must be a string, got a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSettings([]byte(tt.data))
			expectErrorContaining(t, err, tt.want)
		})
	}
	if _, err := ParseSettings([]byte(`{"IsEncrypted":true,"Values":{"A":"zzz"}}`)); !errors.Is(err, ErrEncryptedSettings) {
		t.Errorf("encrypted: error = %v, want ErrEncryptedSettings", err)
	}
}

func TestParseFunctionsMetadataErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"not an array", `{}`, "functions.metadata: must be a JSON array"},
		{"no name", `[{"bindings":[]}]`, "[0].name: required"},
		{"duplicate", `[{"name":"a","bindings":[{"type":"queueTrigger","direction":"In","name":"m"}]},{"name":"a"}]`, "duplicate function"},
		{"bad binding", `[{"name":"a","bindings":[{"type":"queueTrigger","name":"m"}]}]`, `function "a": bindings[0].direction: required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFunctionsMetadata([]byte(tt.data))
			expectErrorContaining(t, err, tt.want)
		})
	}
}

// expectErrorContaining fails t unless err is an error whose text
// contains every one of want.
func expectErrorContaining(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestLoad(t *testing.T) {
	host := `{"version":"2.0"}`
	fn := `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"q"}]}`
	tests := []struct {
		name  string
		files map[string]string
		want  string // error substring; empty for success
	}{
		{"ok without settings", map[string]string{"host.json": host, "B/function.json": fn, "A/function.json": fn}, ""},
		{"no host.json", map[string]string{"A/function.json": fn}, "host.json not found"},
		{"host version", map[string]string{"host.json": `{"version":"1.0"}`}, `host.json: version: must be "2.0"`},
		{"host no version", map[string]string{"host.json": `{}`}, "host.json: version: required"},
		{"encrypted", map[string]string{"host.json": host, "local.settings.json": `{"IsEncrypted":true}`}, "encrypted settings are not supported"},
		{"broken function", map[string]string{"host.json": host, "A/function.json": `{`}, "A/function.json: invalid JSON"},
		{"no functions", map[string]string{"host.json": host, "function_app.py": ""}, "looked for */function.json and functions.metadata"},
		{"metadata wins", map[string]string{"host.json": host, "A/function.json": `{`,
			"functions.metadata": `[{"name":"M","bindings":[{"type":"queueTrigger","direction":"In","name":"m","queueName":"q"}]}]`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(testenv.WriteFiles(t, tt.files))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if len(p.Functions) == 0 {
					t.Fatal("no functions")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	p, err := Load(testenv.WriteFiles(t, map[string]string{"host.json": host, "B/function.json": fn, "A/function.json": fn}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Functions[0].Name != "A" || p.Functions[1].Name != "B" || p.Functions[0].Source != "A/function.json" {
		t.Errorf("functions not sorted by name: %+v", p.Functions)
	}
	var none *NoFunctionsError
	_, err = Load(testenv.WriteFiles(t, map[string]string{"host.json": host, "local.settings.json": `{"Values":{"A":"b"}}`}))
	if !errors.As(err, &none) || none.Project.Settings.Values["A"] != "b" {
		t.Errorf("error = %v, want a NoFunctionsError carrying the settings", err)
	}
}
