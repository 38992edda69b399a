package eventhubs

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestFindNodePath(t *testing.T) {
	testenv.CheckFind(t, NodePathEnv, ErrNotFound, FindNodePath, "rhea/package.json")
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
