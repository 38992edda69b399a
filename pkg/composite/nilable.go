package composite

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr"
)

// Nilable reports whether the formula is evaluated with fallback.behavior
// scalingModifiers, as KEDA defines it: a trigger that has failed
// fallback.failureThreshold times in a row reads as nil, so that `??` can
// supply a default (`a + (b ?? 0)`), and a formula whose result is nil is
// served as fallback.replicas × target. Any other use of a nil value (nil
// + 1, a comparison, a function argument) is an evaluation error, never 0.
func (f *Formula) Nilable() bool { return f.nilable }

// EvalNilable evaluates a Nilable formula. env must hold every name of
// Names, each a float64 or nil (a failing trigger). It returns the raw
// result, or isNil true when the formula yields nil; the result of a
// formula that is not Nilable is never nil.
func (f *Formula) EvalNilable(env map[string]any) (v float64, isNil bool, err error) {
	for _, n := range f.names {
		x, ok := env[n]
		if !ok {
			return 0, false, fmt.Errorf("evaluate formula: no value for trigger %q", n)
		}
		if _, num := x.(float64); !num && x != nil {
			return 0, false, fmt.Errorf("evaluate formula: value of trigger %q is %T, not a number or nil", n, x)
		}
	}
	out, err := expr.Run(f.program, env)
	if err != nil {
		return 0, false, fmt.Errorf("evaluate formula: %s", oneLine(err.Error()))
	}
	if out == nil {
		return 0, true, nil
	}
	v, err = number(out)
	return v, false, err
}

// number is a formula's result as a float64: expr yields float64 or, from
// integer literals (a ternary's branches), int.
func number(out any) (float64, error) {
	switch x := out.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case nil:
		return 0, errors.New("evaluate formula: the result is nil")
	default:
		return 0, fmt.Errorf("evaluate formula: result is %T, not a number", out)
	}
}
