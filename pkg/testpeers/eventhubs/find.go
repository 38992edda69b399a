package eventhubs

import (
	"fmt"
	"os"
	"path/filepath"
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
	if root, ok := repoRoot(); ok {
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

// repoRoot walks up from the working directory to the one holding go.mod.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
