package prometheus

import (
	"errors"
	"fmt"
	"math"
)

// errEmpty is wrapped when the query yields nothing and null values are
// not ignored.
var errEmpty = errors.New("query returned an empty result")

// value turns a query result into the trigger's value: the one sample of a
// scalar or one-element vector. An empty vector, NaN or ±Inf is 0 when
// ignoreNull, else an error; more than one series is always an error.
func value(res *queryResult, ignoreNull bool) (float64, error) {
	switch res.resultType {
	case "vector", "scalar":
	case "matrix":
		return 0, errors.New("query returned a range vector (matrix); use an instant vector or scalar expression")
	default:
		return 0, fmt.Errorf("query returned a %s; want a one-element vector or a scalar", res.resultType)
	}
	switch n := len(res.values); {
	case n == 0 && ignoreNull:
		return 0, nil
	case n == 0:
		return 0, fmt.Errorf("%w (ignoreNullValues is false; is the target down?)", errEmpty)
	case n > 1:
		return 0, fmt.Errorf("query returned %d series, want one: aggregate it, for example with sum(...)", n)
	}
	v := res.values[0]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if ignoreNull {
			return 0, nil
		}
		return 0, fmt.Errorf("query returned %v (ignoreNullValues is false)", v)
	}
	return v, nil
}
