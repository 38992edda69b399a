package functions

import "fmt"

// MetadataFile is the file a compiled (.NET isolated) project lists its
// functions in.
const MetadataFile = "functions.metadata"

// ParseFunctionsMetadata parses the contents of functions.metadata: a JSON
// array of functions, each with a name and bindings. Function names must be
// unique. It never panics.
func ParseFunctionsMetadata(data []byte) ([]Function, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MetadataFile, err)
	}
	list, ok := doc.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: must be a JSON array of functions, got %s", MetadataFile, jsonKind(doc))
	}
	seen := map[string]bool{}
	fns := make([]Function, 0, len(list))
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: [%d]: must be an object, got %s", MetadataFile, i, jsonKind(item))
		}
		name, ok := obj["name"].(string)
		if !ok || name == "" {
			return nil, fmt.Errorf("%s: [%d].name: required", MetadataFile, i)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: [%d].name: duplicate function %q", MetadataFile, i, name)
		}
		seen[name] = true
		fn, err := parseFunction(Function{Name: name, Source: MetadataFile}, obj)
		if err != nil {
			return nil, err
		}
		fns = append(fns, fn)
	}
	return fns, nil
}
