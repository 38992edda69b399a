package testenv

import (
	"os"
	"testing"
	"testing/fstest"
)

// WriteFiles writes files (slash-separated path → content) under a new
// t.TempDir, creating the directories the paths name, and returns that
// directory. It fails the test when a file cannot be written.
func WriteFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	return dir
}
