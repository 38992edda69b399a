package functions

import (
	"fmt"
	"strings"
)

// bindingReader reads a trigger binding's fields, resolving %Setting%
// expressions from the project's settings; its errors name the function's
// file, the binding and the field.
type bindingReader struct {
	fn       Function
	binding  Binding
	settings Settings
	host     map[string]any // host.json, for mappers that follow its settings
	warnings []Warning
}

// location prefixes errors about field.
func (r *bindingReader) location(field string) string {
	return fmt.Sprintf("%s (function %q, binding %q)", r.fn.where(r.fn.TriggerIndex, field), r.fn.Name, r.binding.Name)
}

// optional returns the resolved string value of field and whether it was
// set (and non-empty).
func (r *bindingReader) optional(field string) (string, bool, error) {
	v, ok := r.binding.Fields[field]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, fmt.Errorf("%s: must be a string, got %s", r.location(field), jsonKind(v))
	}
	s, err := r.resolve(field, s)
	if err != nil {
		return "", false, err
	}
	return s, s != "", nil
}

// required is optional with a missing or empty field being an error.
func (r *bindingReader) required(field string) (string, error) {
	s, ok, err := r.optional(field)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("%s: required", r.location(field))
	}
	return s, nil
}

// resolve replaces every %Name% in s with the setting Name. A lone % is
// kept as written.
func (r *bindingReader) resolve(field, s string) (string, error) {
	var out strings.Builder
	for {
		start := strings.IndexByte(s, '%')
		if start < 0 {
			break
		}
		end := strings.IndexByte(s[start+1:], '%')
		if end < 0 {
			break
		}
		name := s[start+1 : start+1+end]
		out.WriteString(s[:start])
		if name == "" {
			out.WriteByte('%')
		} else {
			v, ok := r.settings.Values[name]
			if !ok {
				return "", fmt.Errorf("%s: setting %q is not in %s Values", r.location(field), name, SettingsFile)
			}
			out.WriteString(v)
		}
		s = s[start+end+2:]
	}
	out.WriteString(s)
	return out.String(), nil
}

// connection returns the name of the environment variable holding the
// connection named by field, or def when the field is unset. Like the
// Functions host it falls back to the AzureWebJobs-prefixed setting, and it
// warns when neither is in the settings.
func (r *bindingReader) connection(field, def string) (string, error) {
	name, ok, err := r.optional(field)
	if err != nil {
		return "", err
	}
	if !ok {
		name = def
	}
	if _, ok := r.settings.Values[name]; ok {
		return name, nil
	}
	if _, ok := r.settings.Values["AzureWebJobs"+name]; ok {
		return "AzureWebJobs" + name, nil
	}
	r.warn(fmt.Sprintf("connection setting %q (%s) is not in %s Values; the Deployment's environment must provide it", name, field, SettingsFile))
	return name, nil
}

// settingOrValue returns the setting named v when there is one, else v:
// some fields (Kafka's brokerList) take either.
func (r *bindingReader) settingOrValue(v string) string {
	if s, ok := r.settings.Values[v]; ok {
		return s
	}
	return v
}

// warn records a warning about the binding.
func (r *bindingReader) warn(msg string) {
	r.warnings = append(r.warnings, Warning{Function: r.fn.Name, Binding: r.binding.Name, Message: msg})
}
