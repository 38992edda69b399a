package scalers

import (
	"testing"
)

func TestBuildWarnsOfUnknownMetadata(t *testing.T) {
	type p struct {
		Queue    string `param:"queueName,required"`
		Password string `param:"password,from=auth|env"`
		Mode     string `param:"mode,from=metadata|auth"`
	}
	decoding := func(cfg Config) (*Trigger, error) {
		var v p
		if err := Decode(cfg, &v); err != nil {
			return nil, err
		}
		return &Trigger{Key: "k", Warning: "own remark"}, nil
	}
	silent := func(Config) (*Trigger, error) { return &Trigger{Key: "k"}, nil }
	r := NewRegistry()
	if err := r.Register("decoding", decoding); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("silent", silent); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		typ  string
		md   map[string]string
		want string
	}{
		{"all known", "decoding", map[string]string{"queueName": "q", "passwordFromEnv": "PW", "mode": "x"}, "own remark"},
		{"unknown key", "decoding", map[string]string{"queueName": "q", "fullMetadata": "true"},
			`own remark; metadata "fullMetadata" is not a parameter of this trigger type and is ignored`},
		{"secret in metadata", "decoding", map[string]string{"queueName": "q", "password": "x"},
			`own remark; metadata "password" is ignored: it is read only from TriggerAuthentication or passwordFromEnv`},
		{"FromEnv of a parameter not read from env", "decoding", map[string]string{"queueName": "q", "modeFromEnv": "M"},
			`own remark; metadata "modeFromEnv" is ignored: mode is not read from the environment`},
		{"sorted", "decoding", map[string]string{"queueName": "q", "zz": "1", "aa": "2"},
			`own remark; metadata "aa" is not a parameter of this trigger type and is ignored; metadata "zz" is not a parameter of this trigger type and is ignored`},
		{"constructor that decodes nothing is not judged", "silent", map[string]string{"anything": "1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := r.Build(Config{Type: tt.typ, Metadata: tt.md, Env: map[string]string{"PW": "pw"}})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Warning != tt.want {
				t.Errorf("Warning = %q, want %q", tr.Warning, tt.want)
			}
		})
	}
}

func TestDecodeWithoutBuildRecordsNothing(t *testing.T) {
	var v struct {
		A string `param:"a"`
	}
	if err := Decode(Config{Metadata: map[string]string{"b": "1"}}, &v); err != nil {
		t.Fatal(err)
	}
}
