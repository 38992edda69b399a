package functions

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// httpTriggerType is the lower-cased binding type of HTTP functions.
const httpTriggerType = "httptrigger"

// Warning is something a person should know about the generated objects
// that does not stop them from being generated.
type Warning struct {
	// Function is the function the warning is about.
	Function string
	// Binding is the name of the binding concerned; empty when none.
	Binding string
	// Message says what is wrong and what follows from it.
	Message string
}

// String renders the warning as one line.
func (w Warning) String() string {
	if w.Binding == "" {
		return fmt.Sprintf("function %q: %s", w.Function, w.Message)
	}
	return fmt.Sprintf("function %q, binding %q: %s", w.Function, w.Binding, w.Message)
}

// ScaledFunction is a function with its trigger mapped to a ScaledObject
// trigger.
type ScaledFunction struct {
	// Function is the function's name.
	Function string
	// Trigger is the ScaledObject trigger, named after the function.
	Trigger v1alpha1.ScaleTriggers
}

// Plan is how a project's functions map onto workloads.
type Plan struct {
	// Workers are the names of the functions that are not HTTP functions,
	// in project order; they share one Deployment.
	Workers []string
	// Scaled are the workers whose triggers map to ScaledObject triggers,
	// in project order.
	Scaled []ScaledFunction
	// HTTP are the names of the HTTP functions, in project order.
	HTTP []string
	// Warnings lists unmapped triggers and settings that are missing.
	Warnings []Warning
}

// Plan maps every function of the project. An unmapped trigger type gives a
// warning; a required field that is missing, or a %Setting% that is not in
// the settings, gives an error naming the file and the field.
func (p *Project) Plan() (*Plan, error) {
	registry := mappers()
	plan := &Plan{}
	for _, fn := range p.Functions {
		b := fn.Trigger()
		typ := strings.ToLower(b.Type)
		if typ == httpTriggerType {
			plan.HTTP = append(plan.HTTP, fn.Name)
			continue
		}
		plan.Workers = append(plan.Workers, fn.Name)
		m, ok := registry[typ]
		if !ok {
			plan.Warnings = append(plan.Warnings, Warning{
				Function: fn.Name, Binding: b.Name,
				Message: fmt.Sprintf("trigger type %q has no scaler; the function runs only while the Deployment has replicas (--min-replicas)", b.Type),
			})
			continue
		}
		r := &bindingReader{fn: fn, binding: b, settings: p.Settings, host: p.Host}
		md, err := m.metadata(r)
		if err != nil {
			return nil, err
		}
		plan.Warnings = append(plan.Warnings, r.warnings...)
		plan.Scaled = append(plan.Scaled, ScaledFunction{
			Function: fn.Name,
			Trigger:  v1alpha1.ScaleTriggers{Type: m.kedaType, Name: triggerName(fn.Name), Metadata: md},
		})
	}
	return plan, nil
}

// triggerName derives a trigger name (at most 63 characters) from a
// function name.
func triggerName(fn string) string {
	if len(fn) > 63 {
		return fn[:63]
	}
	return fn
}

// MappedTriggerTypes returns the binding types that map to ScaledObject
// triggers, each with its ScaledObject trigger type.
func MappedTriggerTypes() map[string]string {
	out := map[string]string{}
	for k, m := range mappers() {
		out[k] = m.kedaType
	}
	return out
}
