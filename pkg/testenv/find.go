package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// FindDir is the search every test peer makes for its installation: when
// the environment variable env is set, its directory and nothing else
// (an error naming env and what it lacks, wrapping notFound, when it does
// not hold what holds checks); otherwise the first of candidates that
// holds it; otherwise notFound. Empty candidates are skipped (see OnPath,
// RepoCache).
func FindDir(notFound error, env, what string, holds func(dir string) bool, candidates ...string) (string, error) {
	if v := os.Getenv(env); v != "" {
		if holds(v) {
			return v, nil
		}
		return "", fmt.Errorf("%s=%s holds no %s: %w", env, v, what, notFound)
	}
	for _, dir := range candidates {
		if dir != "" && holds(dir) {
			return dir, nil
		}
	}
	return "", notFound
}

// OnPath is the directory of the program name found on the PATH, or "".
func OnPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return filepath.Dir(p)
}

// RepoCache is <repo>/.cache/<elem...>, where the hack/peers scripts
// install what they fetch, or "" outside the repository.
func RepoCache(elem ...string) string {
	root, err := RepoRoot()
	if err != nil {
		return ""
	}
	return filepath.Join(append([]string{root, ".cache"}, elem...)...)
}

// IsExecutable reports whether path is a file someone may execute.
func IsExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
