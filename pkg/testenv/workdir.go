package testenv

import (
	"fmt"
	"os"
)

// TempDir is a temporary directory that a control plane, a peer or the
// bench made for its files and removes when it stops. The zero value is
// no directory.
type TempDir string

// WorkDir returns dir and no TempDir when dir is set; otherwise it creates
// a temporary directory (os.MkdirTemp with pattern) and returns it as both.
func WorkDir(dir, pattern string) (string, TempDir, error) {
	if dir != "" {
		return dir, "", nil
	}
	tmp, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", "", fmt.Errorf("create work dir: %w", err)
	}
	return tmp, TempDir(tmp), nil
}

// Remove deletes the directory and everything in it; it does nothing for
// the zero value, and may be called more than once.
func (d TempDir) Remove() {
	if d != "" {
		_ = os.RemoveAll(string(d))
	}
}
