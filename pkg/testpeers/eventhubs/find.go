package eventhubs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// FindNodePath returns the node_modules directory holding rhea (see the
// package documentation for the search order), or ErrNotFound.
func FindNodePath() (string, error) {
	if v := os.Getenv(NodePathEnv); v != "" {
		if hasRhea(v) {
			return v, nil
		}
		return "", fmt.Errorf("%s=%s holds no rhea: %w", NodePathEnv, v, ErrNotFound)
	}
	if root, err := testenv.RepoRoot(); err == nil {
		dir := filepath.Join(root, ".cache", "npm", "node_modules")
		if hasRhea(dir) {
			return dir, nil
		}
	}
	return "", ErrNotFound
}

func hasRhea(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "rhea", "package.json"))
	return err == nil && !fi.IsDir()
}
