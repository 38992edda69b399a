package scalers

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

var durationType = reflect.TypeFor[time.Duration]()

// convError is a value that does not parse as the field's kind. Decode adds
// the value to the message only when it is not a secret.
type convError struct {
	want string
	got  string
}

func (e *convError) Error() string { return "want " + e.want }

// checkKind reports whether Decode supports fields of type t, and enums on
// them when withEnum is set.
func checkKind(t reflect.Type, withEnum bool) error {
	if t == durationType {
		if withEnum {
			return fmt.Errorf("enum on a %s field", t)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return nil
		}
	case reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		if !withEnum {
			return nil
		}
		return fmt.Errorf("enum on a %s field", t)
	}
	return fmt.Errorf("unsupported field type %s", t)
}

// setValue parses raw into v, whose kind checkKind accepted. A value that
// does not parse or is outside enum yields a *convError.
func setValue(v reflect.Value, raw string, enum []string) error {
	if v.Type() == durationType {
		d, err := parseDuration(raw)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		if err := checkEnum(raw, enum); err != nil {
			return err
		}
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return &convError{want: "true or false", got: raw}
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, v.Type().Bits())
		if err != nil {
			return &convError{want: fmt.Sprintf("an integer (%d-bit)", v.Type().Bits()), got: raw}
		}
		v.SetInt(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return &convError{want: "a number", got: raw}
		}
		v.SetFloat(f)
	case reflect.Slice:
		var list []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if err := checkEnum(s, enum); err != nil {
				return err
			}
			list = append(list, s)
		}
		v.Set(reflect.ValueOf(list).Convert(v.Type()))
	default:
		return fmt.Errorf("unsupported field type %s", v.Type())
	}
	return nil
}

// parseDuration reads a duration as KEDA does: a Go duration ("30s",
// "1m30s") or else a whole number of milliseconds ("3000"). Negative
// durations are refused.
func parseDuration(raw string) (time.Duration, error) {
	s := strings.TrimSpace(raw)
	d, err := time.ParseDuration(s)
	if err != nil {
		ms, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil || ms > math.MaxInt64/int64(time.Millisecond) || ms < math.MinInt64/int64(time.Millisecond) {
			return 0, &convError{want: `a duration such as "30s" or a whole number of milliseconds`, got: raw}
		}
		d = time.Duration(ms) * time.Millisecond
	}
	if d < 0 {
		return 0, &convError{want: "a duration that is not negative", got: raw}
	}
	return d, nil
}

// checkEnum reports a *convError when enum is set and s is not in it.
func checkEnum(s string, enum []string) error {
	if enum == nil || slices.Contains(enum, s) {
		return nil
	}
	return &convError{want: "one of " + strings.Join(enum, ", "), got: s}
}
