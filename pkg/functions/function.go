package functions

import (
	"fmt"
	"strings"
)

// Binding directions, lower-cased as they are stored in Binding.Direction.
const (
	DirectionIn    = "in"
	DirectionOut   = "out"
	DirectionInOut = "inout"
)

// Binding is one entry of a function's bindings.
type Binding struct {
	// Type is the binding type as written, for example "queueTrigger".
	Type string
	// Direction is "in", "out" or "inout", lower-cased.
	Direction string
	// Name is the parameter name the binding is bound to; may be "$return"
	// for an output binding.
	Name string
	// Fields holds every property of the binding as decoded from JSON,
	// including type, direction and name.
	Fields map[string]any
}

// IsTrigger reports whether the binding is a trigger: an input binding
// whose type ends in "Trigger" (in any case).
func (b Binding) IsTrigger() bool {
	return strings.HasSuffix(strings.ToLower(b.Type), "trigger")
}

// Function is one function of a project with its bindings.
type Function struct {
	// Name is the function's name: its directory for function.json, the
	// "name" field for functions.metadata.
	Name string
	// Source is where the function was read from, relative to the project
	// directory, for example "Orders/function.json"; errors name it.
	Source string
	// Bindings are the function's bindings in file order.
	Bindings []Binding
	// TriggerIndex is the index in Bindings of the one trigger binding.
	TriggerIndex int
}

// Trigger returns the function's trigger binding.
func (f Function) Trigger() Binding {
	return f.Bindings[f.TriggerIndex]
}

// where names a binding field for errors: "Orders/function.json:
// bindings[0].queueName" or "functions.metadata: Orders: bindings[0]...".
func (f Function) where(index int, field string) string {
	loc := fmt.Sprintf("bindings[%d]", index)
	if field != "" {
		loc += "." + field
	}
	if f.Source == MetadataFile {
		return fmt.Sprintf("%s: function %q: %s", f.Source, f.Name, loc)
	}
	return f.Source + ": " + loc
}

// ParseFunctionJSON parses the contents of a function.json for the
// function name, read from source (used in errors). It checks that there
// is a bindings array whose entries each have a type, a direction and a
// name, with exactly one trigger. It never panics.
func ParseFunctionJSON(name, source string, data []byte) (Function, error) {
	obj, err := decodeObject(source, data)
	if err != nil {
		return Function{}, err
	}
	return parseFunction(Function{Name: name, Source: source}, obj)
}

// parseFunction validates obj's bindings into f.
func parseFunction(f Function, obj map[string]any) (Function, error) {
	prefix := f.Source + ": "
	if f.Source == MetadataFile {
		prefix = fmt.Sprintf("%s: function %q: ", f.Source, f.Name)
	}
	raw, ok := obj["bindings"]
	if !ok || raw == nil {
		return Function{}, fmt.Errorf("%sbindings: required", prefix)
	}
	list, ok := raw.([]any)
	if !ok {
		return Function{}, fmt.Errorf("%sbindings: must be an array, got %s", prefix, jsonKind(raw))
	}
	f.TriggerIndex = -1
	for i, item := range list {
		b, err := parseBinding(f, i, item)
		if err != nil {
			return Function{}, err
		}
		if b.IsTrigger() {
			if f.TriggerIndex >= 0 {
				return Function{}, fmt.Errorf("%s: second trigger %q; a function has exactly one trigger", f.where(i, "type"), b.Type)
			}
			f.TriggerIndex = i
		}
		f.Bindings = append(f.Bindings, b)
	}
	if f.TriggerIndex < 0 {
		return Function{}, fmt.Errorf("%sbindings: no trigger binding (a binding whose type ends in \"Trigger\")", prefix)
	}
	return f, nil
}

// parseBinding validates one entry of a bindings array.
func parseBinding(f Function, i int, item any) (Binding, error) {
	fields, ok := item.(map[string]any)
	if !ok {
		return Binding{}, fmt.Errorf("%s: must be an object, got %s", f.where(i, ""), jsonKind(item))
	}
	b := Binding{Fields: fields}
	for _, req := range []struct {
		name string
		dst  *string
	}{{"type", &b.Type}, {"direction", &b.Direction}, {"name", &b.Name}} {
		v, ok := fields[req.name]
		if !ok || v == nil {
			return Binding{}, fmt.Errorf("%s: required", f.where(i, req.name))
		}
		s, ok := v.(string)
		if !ok || s == "" {
			return Binding{}, fmt.Errorf("%s: must be a non-empty string, got %s", f.where(i, req.name), jsonKind(v))
		}
		*req.dst = s
	}
	b.Direction = strings.ToLower(b.Direction)
	switch b.Direction {
	case DirectionIn, DirectionOut, DirectionInOut:
	default:
		return Binding{}, fmt.Errorf("%s: must be in, out or inout, got %q", f.where(i, "direction"), b.Direction)
	}
	if b.IsTrigger() && b.Direction != DirectionIn {
		return Binding{}, fmt.Errorf("%s: a trigger must have direction in, got %q", f.where(i, "direction"), b.Direction)
	}
	return b, nil
}
