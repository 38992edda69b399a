package composite

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func nilableSpec(formula string) *v1alpha1.ScaledObjectSpec {
	spec := specWith(v1alpha1.ScalingModifiers{Formula: formula, Target: "2"})
	spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3, Behavior: v1alpha1.FallbackScalingModifiers}
	return spec
}

func TestNilable(t *testing.T) {
	for _, tc := range []struct {
		behavior v1alpha1.FallbackBehavior
		want     bool
	}{{v1alpha1.FallbackScalingModifiers, true}, {v1alpha1.FallbackStatic, false}, {"", false}, {v1alpha1.FallbackCurrentReplicas, false}} {
		spec := specWith(v1alpha1.ScalingModifiers{Formula: "a", Target: "2"})
		spec.Fallback = &v1alpha1.Fallback{Replicas: 1, Behavior: tc.behavior}
		f, err := Compile(spec)
		if err != nil {
			t.Fatal(err)
		}
		if f.Nilable() != tc.want {
			t.Errorf("behavior %q: Nilable = %v, want %v", tc.behavior, f.Nilable(), tc.want)
		}
	}
	f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: "a", Target: "2"}))
	if err != nil || f.Nilable() {
		t.Fatalf("without fallback: Nilable = %v, %v", f.Nilable(), err)
	}
}

func TestEvalNilable(t *testing.T) {
	tests := []struct {
		name    string
		formula string
		a, b    any
		want    float64
		isNil   bool
		err     string
	}{
		{name: "values", formula: "a + (b ?? 0)", a: 3.0, b: 4.0, want: 7},
		{name: "default for a nil trigger", formula: "a + (b ?? 0)", a: 3.0, b: nil, want: 3},
		{name: "chain to the second", formula: "a ?? b ?? 8", a: nil, b: 5.0, want: 5},
		{name: "chain to the constant", formula: "a ?? b ?? 8", a: nil, b: nil, want: 8},
		{name: "all nil is nil", formula: "a ?? b", a: nil, b: nil, isNil: true},
		{name: "ternary of integers", formula: "(b ?? 0) > 1 ? 5 : 0", a: 1.0, b: 4.0, want: 5},
		{name: "nil in arithmetic is an error, never 0", formula: "a + b", a: 3.0, b: nil, err: "evaluate formula"},
		{name: "nil in a comparison is an error", formula: "b > 1 ? 5 : 0", a: 3.0, b: nil, err: "evaluate formula"},
		{name: "nil in a function is an error", formula: "max(a, b)", a: 3.0, b: nil, err: "evaluate formula"},
		{name: "nil in a sum is an error", formula: "sum([a, b])", a: 3.0, b: nil, err: "evaluate formula"},
		{name: "not a number", formula: "a", a: "3", b: 1.0, err: "not a number or nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile(nilableSpec(tc.formula))
			if err != nil {
				t.Fatal(err)
			}
			v, isNil, err := f.EvalNilable(map[string]any{"a": tc.a, "b": tc.b})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("EvalNilable = %v, %v, %v; want error %q", v, isNil, err, tc.err)
				}
				return
			}
			if err != nil || v != tc.want || isNil != tc.isNil {
				t.Fatalf("EvalNilable = %v, %v, %v; want %v, %v", v, isNil, err, tc.want, tc.isNil)
			}
		})
	}
}

// TestNilableCompile: the nil-able program is checked as strictly as the
// plain one, and Eval of it still yields numbers.
func TestNilableCompile(t *testing.T) {
	if _, err := Compile(nilableSpec("a > b")); err == nil || !strings.Contains(err.Error(), FieldFormula) {
		t.Fatalf("a bare comparison: %v, want a formula error", err)
	}
	f, err := Compile(nilableSpec("a > 1 ? 5 : 0"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.Eval(map[string]float64{"a": 2, "b": 0}); err != nil || v != 5 {
		t.Fatalf("Eval = %v, %v", v, err)
	}
	if _, err := Compile(nilableSpec("nil")); err == nil {
		t.Fatal("a formula that is always nil compiled")
	}
	f, err = Compile(nilableSpec("a ?? nil"))
	if err != nil {
		t.Fatal(err)
	}
	if _, isNil, err := f.EvalNilable(map[string]any{"a": nil}); err != nil || !isNil {
		t.Fatalf("EvalNilable(a ?? nil) with a nil = %v, %v", isNil, err)
	}
	if _, _, err := f.EvalNilable(map[string]any{"b": 1.0}); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("EvalNilable without a: %v, want an error naming a", err)
	}
}

// BenchmarkEvalNilable is the per-request cost of a nil-able composite
// with one trigger failing.
func BenchmarkEvalNilable(b *testing.B) {
	f, err := Compile(nilableSpec("(a ?? 0) > 2 ? max(a ?? 0, b ?? 0) / 2 : ((a ?? 0) + (b ?? 0)) / 2"))
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]any{"a": 3.0, "b": nil}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.EvalNilable(env); err != nil {
			b.Fatal(err)
		}
	}
}
