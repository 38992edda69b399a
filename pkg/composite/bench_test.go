package composite

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// BenchmarkEval is the per-request cost of the composite metric.
func BenchmarkEval(b *testing.B) {
	f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: "a > 2 ? max(a, b) / 2 : (a + b) / 2", Target: "1"}))
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]float64{"a": 3, "b": 4}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile is the per-resolve cost of a formula.
func BenchmarkCompile(b *testing.B) {
	spec := specWith(v1alpha1.ScalingModifiers{Formula: "a > 2 ? max(a, b) / 2 : (a + b) / 2", Target: "1"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(spec); err != nil {
			b.Fatal(err)
		}
	}
}
