package scalers

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
)

func TestRegistry(t *testing.T) {
	okCtor := func(cfg Config) (*Trigger, error) { return &Trigger{Key: cfg.Type}, nil }
	failCtor := func(cfg Config) (*Trigger, error) { return nil, errors.New("boom") }
	nilCtor := func(cfg Config) (*Trigger, error) { return nil, nil }

	r := NewRegistry()
	for _, name := range []string{"zeta", "alpha", "fail", "nil"} {
		c := okCtor
		switch name {
		case "fail":
			c = failCtor
		case "nil":
			c = nilCtor
		}
		if err := r.Register(name, c); err != nil {
			t.Fatalf("Register(%q) error = %v", name, err)
		}
	}
	if got, want := r.Types(), []string{"alpha", "fail", "nil", "zeta"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Types() = %v, want %v", got, want)
	}

	registerTests := []struct {
		name    string
		typ     string
		ctor    Constructor
		wantErr string
	}{
		{"duplicate", "alpha", okCtor, `"alpha": already registered`},
		{"empty", "", okCtor, "empty name"},
		{"blank", "  ", okCtor, "empty name"},
		{"nil constructor", "beta", nil, "nil constructor"},
	}
	for _, tt := range registerTests {
		t.Run("register "+tt.name, func(t *testing.T) {
			err := r.Register(tt.typ, tt.ctor)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Register() error = %v, want %q", err, tt.wantErr)
			}
		})
	}

	buildTests := []struct {
		name    string
		typ     string
		wantKey string
		wantErr string
	}{
		{"known", "zeta", "zeta", ""},
		{"unknown", "kafka", "", `trigger 1 (kafka): unknown trigger type "kafka" (known types: alpha, fail, nil, zeta)`},
		{"constructor error", "fail", "", "boom"},
		{"nil trigger", "nil", "", "constructor returned no trigger"},
	}
	for _, tt := range buildTests {
		t.Run("build "+tt.name, func(t *testing.T) {
			got, err := r.Build(Config{Index: 1, Type: tt.typ})
			if testerr.Want(t, "Build()", err, tt.wantErr) {
				return
			}
			if got.Key != tt.wantKey {
				t.Fatalf("Build() = %+v; want key %q", got, tt.wantKey)
			}
		})
	}
}

func TestHashSecret(t *testing.T) {
	if HashSecret("ab", "c") == HashSecret("a", "bc") {
		t.Error("HashSecret does not separate parts")
	}
	if a, b := HashSecret("x"), HashSecret("x"); a != b {
		t.Error("HashSecret is not deterministic")
	}
	if h := HashSecret("hunter2"); strings.Contains(h, "hunter2") || len(h) != 64 {
		t.Errorf("HashSecret = %q", h)
	}
}

func TestShared(t *testing.T) {
	type params struct {
		Name string `param:"name,required,from=metadata"`
	}
	build := func(cfg Config, p *params, s *int) (*Trigger, error) {
		*s++
		return &Trigger{Key: p.Name}, nil
	}
	shared := new(int)
	ctor := Shared(shared, func() *int { t.Fatal("newShared called though shared is set"); return nil }, build)
	r := NewRegistry()
	if err := r.Register("t", ctor); err != nil {
		t.Fatal(err)
	}
	tr, err := r.Build(Config{Type: "t", Metadata: map[string]string{"name": "a"}})
	if err != nil || tr.Key != "a" || *shared != 1 {
		t.Fatalf("Build = %v, %v (shared %d); want key a, built once", tr, err, *shared)
	}
	if _, err := r.Build(Config{Type: "t", Metadata: map[string]string{}}); err == nil || !strings.Contains(err.Error(), `"name"`) || *shared != 1 {
		t.Fatalf("a decode error must stop before build: %v (shared %d)", err, *shared)
	}
	private := new(int)
	ctor = Shared(nil, func() *int { return private }, build)
	if _, err := ctor(Config{Type: "t", Metadata: map[string]string{"name": "b"}}); err != nil || *private != 1 {
		t.Fatalf("nil shared: err %v, private built %d times; want the value newShared returns", err, *private)
	}
}
