package testenv

import (
	"errors"
	"io/fs"
	"os"
	"testing"
)

func TestWorkDir(t *testing.T) {
	named := t.TempDir()
	dir, tmp, err := WorkDir(named, "sluice-workdir-")
	if err != nil || dir != named || tmp != "" {
		t.Fatalf("WorkDir(%q) = %q, %q, %v; want the named dir and no TempDir", named, dir, tmp, err)
	}
	tmp.Remove()
	if _, err := os.Stat(named); err != nil {
		t.Fatalf("the named dir is gone after Remove: %v", err)
	}

	dir, tmp, err = WorkDir("", "sluice-workdir-")
	if err != nil || dir == "" || string(tmp) != dir {
		t.Fatalf(`WorkDir("") = %q, %q, %v; want a temporary dir as both`, dir, tmp, err)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("the temporary dir: %v", err)
	}
	tmp.Remove()
	tmp.Remove()
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the temporary dir after Remove: %v, want it gone", err)
	}
}
