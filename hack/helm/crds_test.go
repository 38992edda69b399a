package helm

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestChartCRDsCurrent checks that the chart's crds/ holds exactly the
// generated CRDs of deploy/crds, byte for byte (hack/generate.sh copies
// them).
func TestChartCRDsCurrent(t *testing.T) {
	src := filepath.Join("..", "..", "deploy", "crds")
	dst := filepath.Join(chartDir(), "crds")
	want, err := filepath.Glob(filepath.Join(src, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := filepath.Glob(filepath.Join(dst, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			out[i] = filepath.Base(p)
		}
		return out
	}
	if !slices.Equal(names(want), names(got)) {
		t.Fatalf("chart CRDs %v, generated %v: run make generate", names(got), names(want))
	}
	for _, name := range names(want) {
		a, errA := os.ReadFile(filepath.Join(src, name))
		b, errB := os.ReadFile(filepath.Join(dst, name))
		if errA != nil || errB != nil {
			t.Fatalf("read %s: %v %v", name, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s in the chart is stale: run make generate", name)
		}
	}
}
