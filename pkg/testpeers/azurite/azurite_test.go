package azurite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinDir(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(BinEnv, empty)
	if _, err := FindBinDir(); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), empty) {
		t.Fatalf("empty %s: %v, want ErrNotFound naming the dir", BinEnv, err)
	}
	dir := t.TempDir()
	for _, name := range []string{"azurite-queue", "azurite-blob"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []string{dir, filepath.Join(dir, "azurite-queue")} {
		t.Setenv(BinEnv, v)
		if got, err := FindBinDir(); err != nil || got != dir {
			t.Fatalf("%s=%s: %q, %v; want %q", BinEnv, v, got, err, dir)
		}
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
