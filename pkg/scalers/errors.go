package scalers

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrMissingParam is wrapped by the error for a required parameter that no
// source sets.
var ErrMissingParam = errors.New("required but not set")

// TriggerLabel names a trigger for messages: `trigger 0 (metrics-api)`, or
// `trigger 0 "orders" (metrics-api)` when the trigger has a name.
func TriggerLabel(cfg Config) string {
	if cfg.Name == "" {
		return "trigger " + strconv.Itoa(cfg.Index) + " (" + cfg.Type + ")"
	}
	return "trigger " + strconv.Itoa(cfg.Index) + " " + strconv.Quote(cfg.Name) + " (" + cfg.Type + ")"
}

// ParamError reports a trigger parameter that is missing or invalid. Its
// message is `<trigger label>: parameter "<name>": <reason>`. The reason
// never holds a value that came from TriggerAuthentication or the
// environment.
type ParamError struct {
	// Trigger is the TriggerLabel of the trigger.
	Trigger string
	// Param is the parameter's name as written in metadata.
	Param string
	// Err says what is wrong, for example `want a number, got "abc"`.
	Err error
}

// Error implements error.
func (e *ParamError) Error() string {
	return e.Trigger + ": parameter " + strconv.Quote(e.Param) + ": " + e.Err.Error()
}

// Unwrap returns the reason, so that errors.Is sees ErrMissingParam.
func (e *ParamError) Unwrap() error { return e.Err }

// ParamErrorf returns a *ParamError for the parameter param of the trigger
// cfg, its reason formatted from format and args. Constructors use it for
// checks beyond Decode; they must not pass secret values in args.
func ParamErrorf(cfg Config, param, format string, args ...any) error {
	return &ParamError{Trigger: TriggerLabel(cfg), Param: param, Err: fmt.Errorf(format, args...)}
}
