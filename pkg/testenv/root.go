package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNoRepo is returned by RepoRoot outside a Sluice checkout.
var ErrNoRepo = errors.New("no Sluice repository (hack/kube/build.sh) above the working directory")

// RepoRoot walks up from the working directory to the root of the Sluice
// repository, recognised by hack/kube/build.sh, so that it is found from
// the nested modules under hack/ too (their own go.mod is nearer). Tests,
// the demo and the benchmarks find .cache/ and the build scripts there.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "kube", "build.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoRepo
		}
		dir = parent
	}
}
