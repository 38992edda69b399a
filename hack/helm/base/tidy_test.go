package base

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/install"
)

func TestTidy(t *testing.T) {
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	tests := []struct {
		name, in, want, err string
	}{
		{"empty", "  \n\n", "", ""},
		{"trimmed", "\n\n" + cm + "\n\n", strings.TrimSpace(cm), ""},
		{"blank lines of empty includes", "apiVersion: v1\nkind: ConfigMap\n    \nmetadata:\n  name: x\n      \n", strings.TrimSpace(cm), ""},
		{"empty lines kept", "apiVersion: v1\n\nkind: ConfigMap\nmetadata:\n  name: x", "apiVersion: v1\n\nkind: ConfigMap\nmetadata:\n  name: x", ""},
		{"documents", cm + "---\n" + cm, cm + "---\n" + strings.TrimSpace(cm), ""},
		{"blank line in a block scalar", cm + "data:\n  a: |\n    one\n      \n    two\n", "", "changes the objects"},
		{"no kind", "apiVersion: v1\nmetadata:\n  name: x\n", "", "is no object"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\n", "", "is no object"},
		{"not YAML", "apiVersion: [v1\n", "", "document 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tidy(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("tidy: %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("tidy = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTidy feeds tidy arbitrary template output: it never panics, and
// what it accepts has no blank-only line and decodes to objects.
func FuzzTidy(f *testing.F) {
	f.Add("apiVersion: v1\nkind: ConfigMap\n  \nmetadata:\n  name: x\n---\n")
	f.Add("a: |\n  x\n   \n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := tidy(in)
		if err != nil {
			return
		}
		for _, l := range strings.Split(out, "\n") {
			if l != "" && strings.TrimSpace(l) == "" {
				t.Fatalf("tidy(%q) kept the blank line %q", in, l)
			}
		}
		if _, err := install.DecodeManifest([]byte(out)); err != nil {
			t.Fatalf("tidy(%q) = %q, which does not decode: %v", in, out, err)
		}
	})
}
