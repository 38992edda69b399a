package functions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// SettingsFile is the name of the local settings file in a project.
const SettingsFile = "local.settings.json"

// ErrEncryptedSettings is returned for a local.settings.json with
// "IsEncrypted": true; its values are encrypted with a machine key and
// cannot be read anywhere else.
var ErrEncryptedSettings = errors.New(SettingsFile + ": encrypted settings are not supported; decrypt them with `func settings decrypt`")

// Settings are the app settings of local.settings.json.
type Settings struct {
	// Values maps each setting name to its value, as written.
	Values map[string]string
}

// Names returns the setting names in sorted order.
func (s Settings) Names() []string {
	names := make([]string, 0, len(s.Values))
	for k := range s.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// WorkerRuntime returns FUNCTIONS_WORKER_RUNTIME, or "" when unset.
func (s Settings) WorkerRuntime() string {
	return s.Values["FUNCTIONS_WORKER_RUNTIME"]
}

// ParseSettings parses the contents of local.settings.json. It returns
// ErrEncryptedSettings when the file says its values are encrypted, and an
// error naming the field when a field has the wrong shape. It never panics.
func ParseSettings(data []byte) (Settings, error) {
	obj, err := decodeObject(SettingsFile, data)
	if err != nil {
		return Settings{}, err
	}
	if enc, ok := obj["IsEncrypted"]; ok && enc != nil {
		b, ok := enc.(bool)
		if !ok {
			return Settings{}, fmt.Errorf("%s: IsEncrypted: must be true or false, got %s", SettingsFile, jsonKind(enc))
		}
		if b {
			return Settings{}, ErrEncryptedSettings
		}
	}
	s := Settings{Values: map[string]string{}}
	raw, ok := obj["Values"]
	if !ok || raw == nil {
		return s, nil
	}
	values, ok := raw.(map[string]any)
	if !ok {
		return Settings{}, fmt.Errorf("%s: Values: must be an object, got %s", SettingsFile, jsonKind(raw))
	}
	for k, v := range values {
		if k == "" {
			return Settings{}, fmt.Errorf("%s: Values: setting name must not be empty", SettingsFile)
		}
		str, ok := v.(string)
		if !ok {
			return Settings{}, fmt.Errorf("%s: Values.%s: must be a string, got %s", SettingsFile, k, jsonKind(v))
		}
		s.Values[k] = str
	}
	return s, nil
}

// decodeObject decodes data, the contents of the file source, as one JSON
// object (see decodeJSON). Errors name source.
func decodeObject(source string, data []byte) (map[string]any, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: must be a JSON object, got %s", source, jsonKind(doc))
	}
	return obj, nil
}

// decodeJSON decodes one JSON document into generic values. Trailing data
// after the document is an error.
func decodeJSON(data []byte) (any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // UTF-8 BOM, as Windows editors write it
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	if err := dec.Decode(&v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %w", syn.Offset, err)
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: data after the document")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the document")
	}
	return v, nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}
