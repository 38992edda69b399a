package composite

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// FuzzFormula: nothing a user writes as a formula, target or activation
// target may panic, and a formula that compiles evaluates quickly to a
// number or an error.
func FuzzFormula(f *testing.F) {
	for _, s := range []string{"a + b", "(a+b)/2", "a > 5 ? 1 : 0", "max(a, b)", "sum([a, b, a])", "int(a) % int(b)",
		"a ** b ** a", "1..10", "a ?? b", "a + (b ?? 0)", "a ?? b ?? 8", "-a", "!true ? a : b", "median([a, b])", "let x = 1; x", "a.b", "[a, b][0]",
		"count([a, b], {# > 1}) > 1 ? 5 : 0", "sum(map([a, b], # * 2))", "reduce([a, b], #acc + #, 0)", "count(map([a, b], [#, #]), len(#) > 1)"} {
		f.Add(s, "1", "0", 3.0, 4.0)
	}
	f.Fuzz(func(t *testing.T, formula, target, activation string, a, b float64) {
		spec := specWith(v1alpha1.ScalingModifiers{Formula: formula, Target: target, ActivationTarget: activation})
		c, err := Compile(spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "advanced.scalingModifiers.") {
				t.Fatalf("error does not name the field: %v", err)
			}
			return
		}
		start := time.Now()
		v, err := c.Eval(map[string]float64{"a": a, "b": b})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("evaluation of %q took %s", formula, d)
		}
		if err == nil {
			_ = c.Active(v)
		}
		// The same formula under fallback.behavior scalingModifiers, with
		// b failing (nil): a number, nil or an error, never a panic.
		spec.Fallback = &v1alpha1.Fallback{Replicas: 1, Behavior: v1alpha1.FallbackScalingModifiers}
		n, err := Compile(spec)
		if err != nil {
			t.Fatalf("compiles plain but not nil-able: %v", err)
		}
		_, _, _ = n.EvalNilable(map[string]any{"a": a, "b": nil})
	})
}
