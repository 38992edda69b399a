package azurite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestFindBinDir(t *testing.T) {
	dir := testenv.CheckFind(t, BinEnv, ErrNotFound, FindBinDir, "azurite-queue", "azurite-blob")
	// One of the binaries named: its directory.
	queue := filepath.Join(dir, "azurite-queue")
	t.Setenv(BinEnv, queue)
	if got, err := FindBinDir(); err != nil || got != dir {
		t.Fatalf("%s=%s: %q, %v; want %q", BinEnv, queue, got, err, dir)
	}
}

func TestConnectionString(t *testing.T) {
	a := &Azurite{QueuePort: 1001, BlobPort: 1000}
	want := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
		";BlobEndpoint=http://127.0.0.1:1000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1001/devstoreaccount1;"
	if got := a.ConnectionString(); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	if got := (&Azurite{BlobPort: 5}).ConnectionStringWithKey("k"); strings.Contains(got, "QueueEndpoint") || !strings.Contains(got, "AccountKey=k;") {
		t.Fatalf("blob only: %s", got)
	}
}
