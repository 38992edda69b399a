// Command render-base renders the Helm chart deploy/charts/sluice into the
// kustomize base deploy/base (see package base). hack/generate.sh runs
// it from hack/helm:
//
//	go run ./cmd/render-base --root ../..
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/hack/helm/base"
)

func main() {
	root := flag.String("root", filepath.Join("..", ".."), "the repository's root directory")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "render-base:", err)
		os.Exit(1)
	}
}

// run renders the base of the repository at root and writes it.
func run(root string) error {
	files, err := base.Render(root, "")
	if err != nil {
		return err
	}
	dir := filepath.Join(root, filepath.FromSlash(base.BasePath))
	changed, err := base.Write(dir, files)
	for _, name := range changed {
		what := "wrote"
		if _, ok := files[name]; !ok {
			what = "removed"
		}
		fmt.Fprintln(os.Stderr, "render-base:", what, filepath.ToSlash(filepath.Join(base.BasePath, name)))
	}
	return err
}
