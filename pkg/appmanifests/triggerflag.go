package appmanifests

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// ParseTrigger parses a --trigger flag value, "type:key=value,key=value",
// into a ScaledObject trigger. A segment without "=" or whose key is not a
// metadata key continues the previous value, so lists such as
// "bootstrapServers=a:9092,b:9092" need no quoting; "\," is a literal comma
// too. Errors name the flag and the trigger type but never echo values,
// which may be secrets.
func ParseTrigger(flag string) (v1alpha1.ScaleTriggers, error) {
	typ, rest, ok := strings.Cut(flag, ":")
	if !ok || typ == "" {
		return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger: want type:key=value,..., got no type")
	}
	if msgs := validation.IsDNS1123Label(typ); len(msgs) > 0 {
		return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger %q: type: %s", typ, strings.Join(msgs, "; "))
	}
	t := v1alpha1.ScaleTriggers{Type: typ, Metadata: map[string]string{}}
	var last string
	for _, seg := range splitUnescaped(rest) {
		key, value, hasEq := strings.Cut(seg, "=")
		if !hasEq || !isMetadataKey(key) {
			if last == "" {
				return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger %s: want key=value after the type", typ)
			}
			t.Metadata[last] += "," + seg
			continue
		}
		if _, dup := t.Metadata[key]; dup {
			return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger %s: key %q given twice", typ, key)
		}
		t.Metadata[key] = value
		last = key
	}
	if len(t.Metadata) == 0 {
		return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger %s: want at least one key=value", typ)
	}
	for k, v := range t.Metadata {
		if v == "" {
			return v1alpha1.ScaleTriggers{}, fmt.Errorf("--trigger %s: key %q has an empty value", typ, k)
		}
	}
	return t, nil
}

// splitUnescaped splits s at commas that separate parameters: not
// preceded by a backslash (`\,` is unescaped to ","), not inside
// brackets ((), {}, []) and not inside quotes, so that a PromQL query
// such as sum(rate(x{a="1",b="2"}[1m])) stays one value.
func splitUnescaped(s string) []string {
	var out []string
	var cur strings.Builder
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ',':
			cur.WriteByte(',')
			i++
			continue
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '{' || c == '[':
			depth++
		case (c == ')' || c == '}' || c == ']') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(out, cur.String())
}

// isMetadataKey reports whether s looks like a trigger metadata key: a
// letter, then letters, digits, '_', '.' or '-'.
func isMetadataKey(s string) bool {
	for i, r := range s {
		letter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if i == 0 && !letter {
			return false
		}
		if !letter && (r < '0' || r > '9') && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return s != ""
}
