// Package composite compiles and evaluates a ScaledObject's
// advanced.scalingModifiers: a formula over the triggers' names that turns
// their values into one metric, served as MetricName and scaled on with the
// modifiers' own target, activationTarget and metricType, as KEDA documents
// them.
//
// Formulas are expr-lang expressions (the library KEDA uses) restricted to
// arithmetic, comparison, logic, the conditional operator, number
// literals, the trigger names and a few numeric builtins. Their size is
// bounded, and nothing that loops or allocates in proportion to a value
// (ranges, predicates, strings) is accepted, so evaluation is cheap and
// cannot hang or exhaust memory whatever a user writes.
package composite

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// MetricName is the external metric the adapter serves for an object with
// scalingModifiers and the HPA reads: KEDA's name, without a prefix.
const MetricName = "composite-metric"

// MaxFormulaLength bounds the formula's length in bytes; the CRD enforces
// the same limit.
const MaxFormulaLength = 1024

// maxNodes bounds the formula's syntax tree.
const maxNodes = 256

// Field paths named in validation errors.
const (
	FieldFormula          = "advanced.scalingModifiers.formula"
	FieldTarget           = "advanced.scalingModifiers.target"
	FieldActivationTarget = "advanced.scalingModifiers.activationTarget"
	FieldMetricType       = "advanced.scalingModifiers.metricType"
)

// FieldError is a scalingModifiers setting that is missing or invalid.
// Its message names the field; it never holds a secret (the spec holds
// none).
type FieldError struct {
	// Field is the path below spec, for example FieldFormula.
	Field string
	// Err says what is wrong.
	Err error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErrorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Formula is a compiled scalingModifiers. It is immutable and safe for
// concurrent use.
type Formula struct {
	program *vm.Program
	// names are the trigger names the formula reads, sorted.
	names []string
	// Target is the HPA target of the composite metric, positive.
	Target float64
	// ActivationTarget is the value the composite metric must exceed for
	// the object to be active; 0 when unset.
	ActivationTarget float64
	// MetricType is AverageValue or Value.
	MetricType autoscalingv2.MetricTargetType
	// Source is the formula as written, for messages.
	Source string
	// nilable is set for fallback.behavior scalingModifiers: program then
	// has no cast of its result, so that nil reaches EvalNilable.
	nilable bool
}

// Used reports whether spec sets scalingModifiers at all (any field), as
// KEDA decides it. Such an object is scaled on the composite metric alone
// (plus cpu and memory triggers), and a formula that does not compile
// makes it not ready rather than scaling on the triggers one by one.
func Used(spec *v1alpha1.ScaledObjectSpec) bool {
	return spec.Advanced != nil && spec.Advanced.ScalingModifiers != (v1alpha1.ScalingModifiers{})
}

// Compile validates and compiles spec's scalingModifiers against the names
// of its triggers. It returns nil, nil when Used(spec) is false. Errors are
// *FieldError naming the field: the formula is required, must reference
// only named triggers (cpu and memory triggers are not values of the
// formula, as in KEDA) and must yield a number; target is required and
// positive; activationTarget, when set, is a number; metricType is
// AverageValue (the default) or Value.
func Compile(spec *v1alpha1.ScaledObjectSpec) (*Formula, error) {
	if !Used(spec) {
		return nil, nil
	}
	sm := spec.Advanced.ScalingModifiers
	f := &Formula{Source: sm.Formula, MetricType: sm.MetricType}
	switch f.MetricType {
	case "":
		f.MetricType = autoscalingv2.AverageValueMetricType
	case autoscalingv2.AverageValueMetricType, autoscalingv2.ValueMetricType:
	default:
		return nil, fieldErrorf(FieldMetricType, "want AverageValue or Value, got %q", sm.MetricType)
	}
	var err error
	if f.Target, err = parseNumber(FieldTarget, sm.Target, true); err != nil {
		return nil, err
	}
	if f.Target <= 0 {
		return nil, fieldErrorf(FieldTarget, "must be positive, got %q", sm.Target)
	}
	if sm.ActivationTarget != "" {
		if f.ActivationTarget, err = parseNumber(FieldActivationTarget, sm.ActivationTarget, false); err != nil {
			return nil, err
		}
	}
	f.nilable = spec.Fallback != nil && spec.Fallback.Behavior == v1alpha1.FallbackScalingModifiers
	if f.program, f.names, err = compileFormula(sm.Formula, triggerNames(spec), f.nilable); err != nil {
		return nil, err
	}
	return f, nil
}

// parseNumber parses a finite number; required says whether "" is an error.
func parseNumber(field, s string, required bool) (float64, error) {
	if s == "" && required {
		return 0, fieldErrorf(field, "required when scalingModifiers are set")
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fieldErrorf(field, "want a number, got %q", truncate(s, 64))
	}
	return v, nil
}

// triggerNames are the names the formula may use: every named trigger the
// adapter polls.
func triggerNames(spec *v1alpha1.ScaledObjectSpec) []string {
	var names []string
	for _, t := range spec.Triggers {
		if t.Name != "" && t.Type != "cpu" && t.Type != "memory" {
			names = append(names, t.Name)
		}
	}
	return names
}

// compileFormula checks the formula's shape and compiles it with a typed
// environment of the trigger names, each a float64, checking that it yields
// a number. A nilable program is compiled once more without the final cast
// to float64, so that a nil result is seen as nil (see EvalNilable).
func compileFormula(src string, names []string, nilable bool) (*vm.Program, []string, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, fieldErrorf(FieldFormula, "required when scalingModifiers are set")
	}
	if len(src) > MaxFormulaLength {
		return nil, nil, fieldErrorf(FieldFormula, "longer than %d bytes", MaxFormulaLength)
	}
	used, err := checkShape(src, names)
	if err != nil {
		return nil, nil, &FieldError{Field: FieldFormula, Err: err}
	}
	env := make(map[string]float64, len(names))
	for _, n := range names {
		env[n] = 0
	}
	opts := []expr.Option{expr.Env(env), expr.MaxNodes(maxNodes), expr.DisableAllBuiltins()}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	prog, err := expr.Compile(src, append(opts, expr.AsFloat64())...)
	if err != nil {
		return nil, nil, &FieldError{Field: FieldFormula, Err: errors.New(oneLine(err.Error()))}
	}
	if nilable {
		if prog, err = expr.Compile(src, opts...); err != nil {
			return nil, nil, &FieldError{Field: FieldFormula, Err: errors.New(oneLine(err.Error()))}
		}
	}
	return prog, used, nil
}

// Names returns the trigger names the formula reads, sorted. The slice is
// shared and must not be modified.
func (f *Formula) Names() []string { return f.names }

// Uses reports whether the formula reads the trigger named name.
func (f *Formula) Uses(name string) bool {
	_, found := slices.BinarySearch(f.names, name)
	return found
}

// Eval evaluates the formula with the trigger values in env, which must
// hold every name of Names; a Nilable formula is evaluated as EvalNilable
// with no nil value (a nil result is then an error). The result is the raw number (possibly NaN,
// infinite or negative); Sanitize turns it into what is served.
func (f *Formula) Eval(env map[string]float64) (float64, error) {
	for _, n := range f.names {
		if _, ok := env[n]; !ok {
			return 0, fmt.Errorf("evaluate formula: no value for trigger %q", n)
		}
	}
	out, err := expr.Run(f.program, env)
	if err != nil {
		return 0, fmt.Errorf("evaluate formula: %s", oneLine(err.Error()))
	}
	return number(out)
}

// Sanitize is the value served for a raw composite: NaN, ±Inf and negative
// values become 0, as for every metric the adapter serves.
func Sanitize(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// Active reports whether the served value v is above the activation target.
func (f *Formula) Active(v float64) bool { return Sanitize(v) > f.ActivationTarget }

// oneLine keeps the first line of an expr error (the rest is a caret
// drawing of the source) and bounds it.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return truncate(s, 256)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
