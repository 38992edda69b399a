package appmanifests

import (
	"bytes"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// Output formats Render understands.
const (
	FormatYAML = "yaml"
	FormatJSON = "json"
)

// Unstructured converts the objects for rendering and applying: without
// status and without the empty and null fields (creationTimestamp: null,
// resources: {}) that typed objects carry.
func Unstructured(objs []runtime.Object) ([]*unstructured.Unstructured, error) {
	out := make([]*unstructured.Unstructured, 0, len(objs))
	for _, obj := range objs {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, fmt.Errorf("convert %T: %w", obj, err)
		}
		delete(m, "status")
		prune(m)
		out = append(out, &unstructured.Unstructured{Object: m})
	}
	return out, nil
}

// prune removes null values and empty objects from m, recursively.
func prune(m map[string]any) {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			prune(x)
			if len(x) == 0 {
				delete(m, k)
			}
		case []any:
			for _, item := range x {
				if im, ok := item.(map[string]any); ok {
					prune(im)
				}
			}
		}
	}
}

// Render writes the objects in order as multi-document YAML (format "yaml")
// or as a v1 List in JSON (format "json"). Keys are sorted, so the output
// is stable.
func Render(objs []runtime.Object, format string) ([]byte, error) {
	us, err := Unstructured(objs)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatYAML, "":
		var buf bytes.Buffer
		for i, u := range us {
			if i > 0 {
				buf.WriteString("---\n")
			}
			b, err := yaml.Marshal(u.Object)
			if err != nil {
				return nil, fmt.Errorf("render %s: %w", u.GetName(), err)
			}
			buf.Write(b)
		}
		return buf.Bytes(), nil
	case FormatJSON:
		items := make([]any, 0, len(us))
		for _, u := range us {
			items = append(items, u.Object)
		}
		list := map[string]any{"apiVersion": "v1", "kind": "List", "items": items}
		b, err := json.MarshalIndent(list, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("render list: %w", err)
		}
		return append(b, '\n'), nil
	default:
		return nil, fmt.Errorf("unknown output format %q: want yaml or json", format)
	}
}
