package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFindDir(t *testing.T) {
	errMissing := errors.New("missing")
	with, without := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(with, "tool"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	holds := func(dir string) bool { return IsExecutable(filepath.Join(dir, "tool")) }
	tests := []struct {
		name       string
		env        string
		candidates []string
		want       string
		wantErr    bool
	}{
		{"env holds it", with, []string{without}, with, false},
		{"env set but empty dir, candidates ignored", without, []string{with}, "", true},
		{"first candidate that holds it", "", []string{"", without, with}, with, false},
		{"nowhere", "", []string{without}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SLUICE_TESTENV_FIND", tt.env)
			got, err := FindDir(errMissing, "SLUICE_TESTENV_FIND", "tool", holds, tt.candidates...)
			if got != tt.want || (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, errMissing)) {
				t.Errorf("FindDir = %q, %v; want %q, error %v wrapping %v", got, err, tt.want, tt.wantErr, errMissing)
			}
		})
	}
}
