package eventhubs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindNodePath(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(NodePathEnv, empty)
	if _, err := FindNodePath(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindNodePath() with an empty %s = %v, want ErrNotFound", NodePathEnv, err)
	}
	withRhea := t.TempDir()
	if err := os.MkdirAll(filepath.Join(withRhea, "rhea"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(withRhea, "rhea", "package.json"), []byte(`{"version":"3.0.5"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(NodePathEnv, withRhea)
	if got, err := FindNodePath(); err != nil || got != withRhea {
		t.Fatalf("FindNodePath() = %q, %v; want %q", got, err, withRhea)
	}
}

func TestConnectionString(t *testing.T) {
	p := &Peer{Port: 5671, KeyName: "k", Key: "s3cret"}
	want := "Endpoint=sb://127.0.0.1:5671;SharedAccessKeyName=k;SharedAccessKey=s3cret;UseDevelopmentEmulator=true"
	if got := p.ConnectionString(); got != want {
		t.Fatalf("ConnectionString() = %q, want %q", got, want)
	}
	if got := p.FullyQualifiedNamespace(); got != "127.0.0.1:5671" {
		t.Fatalf("FullyQualifiedNamespace() = %q", got)
	}
}
