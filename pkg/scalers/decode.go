package scalers

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Decode fills the struct that out points to from the trigger's parameters.
// A trigger type declares each parameter once, as a field with a `param`
// tag:
//
//	QueueName string        `param:"queueName,required"`
//	Target    float64       `param:"targetValue,default=5"`
//	Mode      string        `param:"authMode,default=none,enum=none|basic|bearer"`
//	Password  string        `param:"password,from=auth|env"`
//	Timeout   time.Duration `param:"timeout,default=3s"`
//
// The tag is the parameter's name followed by comma-separated options:
//
//   - required: a value must be found; optional (the default) leaves the
//     field's zero value when none is.
//   - default=V: the value used when no source sets one. V may not hold a
//     comma; it is parsed like any value, so it must suit the field.
//   - enum=a|b|c: the value (each element for []string) must be one of
//     these, compared exactly.
//   - from=S|S…: the sources consulted, in order; the first that sets a
//     non-empty value wins. Sources are metadata (cfg.Metadata[name]), env
//     (cfg.Env[V] where metadata sets `<name>FromEnv: V`) and auth
//     (cfg.AuthParams[name]). Without from, the order is metadata|env|auth.
//     Secrets are declared from=auth|env so that plain metadata cannot set
//     them.
//
// Every value is trimmed of leading and trailing white space first, whatever
// its source (KEDA does the same, so a Secret written with a trailing
// newline works); a value that is empty after trimming counts as not set.
// The name a `<name>FromEnv` gives is trimmed too.
//
// Field kinds: string, bool (as strconv.ParseBool), int, int32, int64,
// float64 (finite), time.Duration (as KEDA: a Go duration such as "30s", or
// a whole number of milliseconds; not negative) and []string (a comma
// list, elements trimmed, empty ones dropped). Fields without a param tag
// are left alone, except embedded structs, whose fields are decoded as if
// they were the outer struct's (so that parameter groups can be shared).
//
// When the trigger is built through Registry.Build, the declared names are
// recorded, and metadata keys that no declaration reads become a status
// warning (Trigger.Warning): nothing a user writes is dropped silently.
//
// Errors name the trigger (see TriggerLabel), the parameter and what was
// expected. A value that came from auth or env is never shown: those are
// secrets. A `<name>FromEnv` naming a variable the scale target does not
// define is an error naming the variable. A missing required parameter
// wraps ErrMissingParam. A malformed tag or an unsupported field kind is a
// programming error, reported as an error too; Decode never panics.
func Decode(cfg Config, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("decode %s: want a non-nil pointer to a struct, got %T", TriggerLabel(cfg), out)
	}
	fields, err := paramFields(rv.Elem(), nil)
	if err != nil {
		return fmt.Errorf("decode %s: %w", TriggerLabel(cfg), err)
	}
	specs := make([]*paramSpec, len(fields))
	for i, f := range fields {
		specs[i] = f.spec
	}
	cfg.known.add(specs)
	for _, f := range fields {
		if err := f.spec.decode(cfg, f.value); err != nil {
			return err
		}
	}
	return nil
}

// paramField is one tagged field and its parsed tag.
type paramField struct {
	spec  *paramSpec
	value reflect.Value
}

// paramFields returns the tagged fields of the struct st, descending into
// embedded structs without a tag, appended to out.
func paramFields(st reflect.Value, out []paramField) ([]paramField, error) {
	for i := range st.NumField() {
		f := st.Type().Field(i)
		tag, ok := f.Tag.Lookup("param")
		if !ok {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				var err error
				if out, err = paramFields(st.Field(i), out); err != nil {
					return nil, err
				}
			}
			continue
		}
		spec, err := parseParamTag(tag, f)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		if !st.Field(i).CanSet() {
			return nil, fmt.Errorf("field %s: cannot be set", f.Name)
		}
		out = append(out, paramField{spec: spec, value: st.Field(i)})
	}
	return out, nil
}

// source is where a parameter's value may come from.
type source string

const (
	fromMetadata source = "metadata"
	fromEnv      source = "env"
	fromAuth     source = "auth"
)

// describe names a source for "looked in" messages.
func (s source) describe(name string) string {
	switch s {
	case fromEnv:
		return name + "FromEnv"
	case fromAuth:
		return "TriggerAuthentication"
	default:
		return "metadata"
	}
}

// paramSpec is one parsed `param` tag.
type paramSpec struct {
	name       string
	required   bool
	hasDefault bool
	def        string
	enum       []string
	from       []source
}

// decode looks the parameter up and stores it in field.
func (p *paramSpec) decode(cfg Config, field reflect.Value) error {
	raw, src, found, err := p.lookup(cfg)
	if err != nil {
		return &ParamError{Trigger: TriggerLabel(cfg), Param: p.name, Err: err}
	}
	if !found {
		switch {
		case p.required:
			where := make([]string, len(p.from))
			for i, s := range p.from {
				where[i] = s.describe(p.name)
			}
			return &ParamError{Trigger: TriggerLabel(cfg), Param: p.name,
				Err: fmt.Errorf("%w (looked in %s)", ErrMissingParam, strings.Join(where, ", "))}
		case !p.hasDefault:
			return nil
		}
		raw, src = p.def, ""
	}
	if err := p.set(field, raw, src == fromAuth || src == fromEnv); err != nil {
		return &ParamError{Trigger: TriggerLabel(cfg), Param: p.name, Err: err}
	}
	return nil
}

// lookup returns the first non-empty value among the spec's sources.
func (p *paramSpec) lookup(cfg Config) (string, source, bool, error) {
	for _, s := range p.from {
		var v string
		switch s {
		case fromMetadata:
			v = cfg.Metadata[p.name]
		case fromAuth:
			v = cfg.AuthParams[p.name]
		case fromEnv:
			key := p.name + "FromEnv"
			name := strings.TrimSpace(cfg.Metadata[key])
			if name == "" {
				continue
			}
			val, ok := cfg.Env[name]
			if !ok {
				return "", "", false, fmt.Errorf("environment variable %q named by %s is not set in the scale target", name, key)
			}
			v = val
		}
		if v = strings.TrimSpace(v); v != "" {
			return v, s, true, nil
		}
	}
	return "", "", false, nil
}

// set parses raw into field and checks the enum. When secret is set, the
// error does not show raw.
func (p *paramSpec) set(field reflect.Value, raw string, secret bool) error {
	err := setValue(field, raw, p.enum)
	var ce *convError
	if !errors.As(err, &ce) {
		return err
	}
	if secret {
		return fmt.Errorf("want %s, got a value from TriggerAuthentication or env (not shown)", ce.want)
	}
	return fmt.Errorf("want %s, got %q", ce.want, ce.got)
}

// parseParamTag parses a `param` tag and checks that field can hold it.
func parseParamTag(tag string, field reflect.StructField) (*paramSpec, error) {
	parts := strings.Split(tag, ",")
	p := &paramSpec{name: strings.TrimSpace(parts[0])}
	if p.name == "" {
		return nil, errors.New("param tag without a name")
	}
	for _, opt := range parts[1:] {
		key, val, hasVal := strings.Cut(opt, "=")
		switch {
		case key == "required" && !hasVal:
			p.required = true
		case key == "optional" && !hasVal:
		case key == "default" && hasVal:
			p.hasDefault, p.def = true, val
		case key == "enum" && hasVal && val != "":
			p.enum = strings.Split(val, "|")
		case key == "from" && hasVal && val != "":
			for _, s := range strings.Split(val, "|") {
				src := source(s)
				if src != fromMetadata && src != fromEnv && src != fromAuth {
					return nil, fmt.Errorf("unknown source %q in param tag", s)
				}
				if slices.Contains(p.from, src) {
					return nil, fmt.Errorf("source %q twice in param tag", s)
				}
				p.from = append(p.from, src)
			}
		default:
			return nil, fmt.Errorf("unknown param tag option %q", opt)
		}
	}
	if p.required && p.hasDefault {
		return nil, errors.New("param tag is both required and defaulted")
	}
	if len(p.from) == 0 {
		p.from = []source{fromMetadata, fromEnv, fromAuth}
	}
	if !field.IsExported() {
		return nil, errors.New("param tag on an unexported field")
	}
	if err := checkKind(field.Type, p.enum != nil); err != nil {
		return nil, err
	}
	if p.hasDefault && field.Type == durationType {
		// Defaults were seconds before durations followed KEDA; a bare
		// number would now silently mean milliseconds.
		if _, err := time.ParseDuration(p.def); err != nil {
			return nil, fmt.Errorf("default %q: write a duration default with its unit, such as 30s", p.def)
		}
	}
	if p.hasDefault {
		if err := setValue(reflect.New(field.Type).Elem(), p.def, p.enum); err != nil {
			return nil, fmt.Errorf("default %q: %w", p.def, err)
		}
	}
	return p, nil
}
