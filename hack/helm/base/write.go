package base

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Write makes the YAML files of dir exactly files: it writes those whose
// content differs and removes every other *.yaml file, so that a template
// removed from the chart leaves the base too. It reports the names it
// wrote or removed.
func Write(dir string, files map[string][]byte) (changed []string, err error) {
	old, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	for _, p := range old {
		if _, keep := files[filepath.Base(p)]; keep {
			continue
		}
		if err := os.Remove(p); err != nil {
			return changed, fmt.Errorf("remove stale file: %w", err)
		}
		changed = append(changed, filepath.Base(p))
	}
	for _, name := range sortedNames(files) {
		p := filepath.Join(dir, name)
		cur, err := os.ReadFile(p)
		if err == nil && bytes.Equal(cur, files[name]) {
			continue
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return changed, fmt.Errorf("read %s: %w", name, err)
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return changed, fmt.Errorf("write %s: %w", name, err)
		}
		changed = append(changed, name)
	}
	return changed, nil
}

// sortedNames returns the keys of files in order.
func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
