package eventhubs

import (
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// FindNodePath returns the node_modules directory holding rhea (see the
// package documentation for the search order), or ErrNotFound.
func FindNodePath() (string, error) {
	return testenv.FindDir(ErrNotFound, NodePathEnv, "rhea", hasRhea, testenv.RepoCache("npm", "node_modules"))
}

func hasRhea(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "rhea", "package.json"))
	return err == nil && !fi.IsDir()
}
