package composite

import (
	"errors"
	"math"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func specWith(sm v1alpha1.ScalingModifiers, triggers ...v1alpha1.ScaleTriggers) *v1alpha1.ScaledObjectSpec {
	if len(triggers) == 0 {
		triggers = []v1alpha1.ScaleTriggers{{Name: "a", Type: "metrics-api"}, {Name: "b", Type: "azure-queue"}}
	}
	return &v1alpha1.ScaledObjectSpec{Advanced: &v1alpha1.AdvancedConfig{ScalingModifiers: sm}, Triggers: triggers}
}

func TestUsed(t *testing.T) {
	cases := []struct {
		name string
		spec *v1alpha1.ScaledObjectSpec
		want bool
	}{
		{"no advanced", &v1alpha1.ScaledObjectSpec{}, false},
		{"empty modifiers", &v1alpha1.ScaledObjectSpec{Advanced: &v1alpha1.AdvancedConfig{}}, false},
		{"only target", specWith(v1alpha1.ScalingModifiers{Target: "1"}), true},
		{"formula", specWith(v1alpha1.ScalingModifiers{Formula: "a"}), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Used(tc.spec); got != tc.want {
				t.Fatalf("Used = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompileAndEval(t *testing.T) {
	cases := []struct {
		formula string
		a, b    float64
		want    float64
		names   []string
	}{
		{"a + b", 3, 4, 7, []string{"a", "b"}},
		{"(a + b) / 2", 3, 4, 3.5, []string{"a", "b"}},
		{"a > 5 ? a : 0", 3, 4, 0, []string{"a"}},
		{"a > 2 ? b : 0", 3, 4, 4, []string{"a", "b"}},
		{"max(a, b)", 3, 4, 4, []string{"a", "b"}},
		{"min([a, b])", 3, 4, 3, []string{"a", "b"}},
		{"ceil(a / b)", 3, 4, 1, []string{"a", "b"}},
		{"int(a) % 2", 3, 4, 1, []string{"a"}},
		{"2 ** b", 3, 4, 16, []string{"b"}},
		{"a - b", 3, 4, -1, []string{"a", "b"}},
		{"7", 3, 4, 7, nil},
		// KEDA's documented examples.
		{"(a + b)/2", 3, 4, 3.5, []string{"a", "b"}},
		{"a > 2 ? a + b : 1", 3, 4, 7, []string{"a", "b"}},
		{"count([a, b], {# > 1}) > 1 ? 5 : 0", 3, 4, 5, []string{"a", "b"}},
		{"a < 2 ? a+b >= 2 ? 5 : 10 : 0", 3, 4, 0, []string{"a", "b"}},
		{"sum(map([a, b], # * 2))", 3, 4, 14, []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.formula, func(t *testing.T) {
			f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: tc.formula, Target: "2"}))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Eval(map[string]float64{"a": tc.a, "b": tc.b})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("Eval = %v, want %v", got, tc.want)
			}
			if strings.Join(f.Names(), ",") != strings.Join(tc.names, ",") {
				t.Fatalf("Names = %v, want %v", f.Names(), tc.names)
			}
			if f.MetricType != autoscalingv2.AverageValueMetricType || f.Target != 2 || f.ActivationTarget != 0 {
				t.Fatalf("defaults: %+v", f)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name, field, wantIn string
		sm                  v1alpha1.ScalingModifiers
		triggers            []v1alpha1.ScaleTriggers
	}{
		{"no formula", FieldFormula, "required", v1alpha1.ScalingModifiers{Target: "1"}, nil},
		{"no target", FieldTarget, "required", v1alpha1.ScalingModifiers{Formula: "a"}, nil},
		{"target zero", FieldTarget, "positive", v1alpha1.ScalingModifiers{Formula: "a", Target: "0"}, nil},
		{"target negative", FieldTarget, "positive", v1alpha1.ScalingModifiers{Formula: "a", Target: "-3"}, nil},
		{"target text", FieldTarget, "want a number", v1alpha1.ScalingModifiers{Formula: "a", Target: "ten"}, nil},
		{"target NaN", FieldTarget, "want a number", v1alpha1.ScalingModifiers{Formula: "a", Target: "NaN"}, nil},
		{"activation text", FieldActivationTarget, "want a number", v1alpha1.ScalingModifiers{Formula: "a", Target: "1", ActivationTarget: "x"}, nil},
		{"utilization", FieldMetricType, "AverageValue or Value", v1alpha1.ScalingModifiers{Formula: "a", Target: "1", MetricType: "Utilization"}, nil},
		{"unknown name", FieldFormula, `unknown name "c"`, v1alpha1.ScalingModifiers{Formula: "a + c", Target: "1"}, nil},
		{"unnamed trigger", FieldFormula, `unknown name "b"`, v1alpha1.ScalingModifiers{Formula: "a + b", Target: "1"},
			[]v1alpha1.ScaleTriggers{{Name: "a", Type: "metrics-api"}, {Type: "azure-queue"}}},
		{"cpu is no value", FieldFormula, `unknown name "c"`, v1alpha1.ScalingModifiers{Formula: "a + c", Target: "1"},
			[]v1alpha1.ScaleTriggers{{Name: "a", Type: "metrics-api"}, {Name: "c", Type: "cpu"}}},
		{"syntax", FieldFormula, "", v1alpha1.ScalingModifiers{Formula: "a +", Target: "1"}, nil},
		{"boolean result", FieldFormula, "float64", v1alpha1.ScalingModifiers{Formula: "a > b", Target: "1"}, nil},
		{"range", FieldFormula, `".."`, v1alpha1.ScalingModifiers{Formula: "sum(1..100000000)", Target: "1"}, nil},
		{"nested predicate", FieldFormula, "predicate inside another", v1alpha1.ScalingModifiers{
			Formula: "count([1, 1, 1, 1, 1, 1, 1, 1], count([1, 1, 1, 1, 1, 1, 1, 1], count([1, 1], # > 0) > 0) > 0)", Target: "1"}, nil},
		{"pointer outside a predicate", FieldFormula, "", v1alpha1.ScalingModifiers{Formula: "# + a", Target: "1"}, nil},
		{"member access", FieldFormula, "member access", v1alpha1.ScalingModifiers{Formula: "[a, b][0]", Target: "1"}, nil},
		{"string function", FieldFormula, "string", v1alpha1.ScalingModifiers{Formula: `len(repeat("x", 100000000))`, Target: "1"}, nil},
		{"other builtin", FieldFormula, `"uniq"`, v1alpha1.ScalingModifiers{Formula: "len(uniq([a, b]))", Target: "1"}, nil},
		{"too long", FieldFormula, "longer than", v1alpha1.ScalingModifiers{Formula: strings.Repeat("a+", 600) + "a", Target: "1"}, nil},
		{"too many nodes", FieldFormula, "", v1alpha1.ScalingModifiers{Formula: strings.Repeat("a+", 300) + "a", Target: "1"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(specWith(tc.sm, tc.triggers...))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FieldError", err)
			}
			if fe.Field != tc.field || !strings.HasPrefix(err.Error(), tc.field+": ") || !strings.Contains(err.Error(), tc.wantIn) {
				t.Fatalf("err = %q, want field %s and %q", err, tc.field, tc.wantIn)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("err spans lines: %q", err)
			}
		})
	}
}

func TestEvalNeedsEveryName(t *testing.T) {
	f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: "a + b", Target: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Eval(map[string]float64{"a": 1}); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("err = %v, want one naming b", err)
	}
}

func TestEvalRuntimeErrorIsAnError(t *testing.T) {
	f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: "int(a) % int(b)", Target: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Eval(map[string]float64{"a": 1, "b": 0}); err == nil {
		t.Fatal("modulo by zero evaluated without an error")
	}
}

func TestActive(t *testing.T) {
	f, err := Compile(specWith(v1alpha1.ScalingModifiers{Formula: "a", Target: "1", ActivationTarget: "2.5", MetricType: "Value"}))
	if err != nil {
		t.Fatal(err)
	}
	if f.MetricType != autoscalingv2.ValueMetricType {
		t.Fatalf("MetricType = %s", f.MetricType)
	}
	for _, c := range []struct {
		v    float64
		want bool
	}{{2.5, false}, {2.6, true}, {math.Inf(1), false}, {math.NaN(), false}, {-5, false}} {
		if got := f.Active(c.v); got != c.want {
			t.Errorf("Active(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
