package base

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWrite checks that Write leaves exactly the given YAML files, rewrites
// only those that differ, removes stale ones and keeps other files.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	put := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("same.yaml", "same\n")
	put("edited.yaml", "hand edit\n")
	put("removed.yaml", "template gone\n")
	put("README", "not a manifest\n")
	files := map[string][]byte{"same.yaml": []byte("same\n"), "edited.yaml": []byte("rendered\n"), "new.yaml": []byte("new\n")}
	changed, err := Write(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(changed)
	if want := []string{"edited.yaml", "new.yaml", "removed.yaml"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want %v", changed, want)
	}
	for name, want := range map[string]string{"same.yaml": "same\n", "edited.yaml": "rendered\n", "new.yaml": "new\n", "README": "not a manifest\n"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q (%v), want %q", name, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "removed.yaml")); !os.IsNotExist(err) {
		t.Errorf("stale removed.yaml still there: %v", err)
	}
	again, err := Write(dir, files)
	if err != nil || len(again) != 0 {
		t.Errorf("second Write changed %v (%v), want nothing", again, err)
	}
}
