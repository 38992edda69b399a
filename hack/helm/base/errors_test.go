package base

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderRefuses renders copies of the repository's chart with one
// thing wrong and wants an error naming it instead of a base that lacks
// or mangles something.
func TestRenderRefuses(t *testing.T) {
	tests := []struct {
		name   string
		values string            // deploy/base-values.yaml; the real one when empty
		add    map[string]string // files added under the chart
		want   string
	}{
		{"values without kustomizeBase", "adapter:\n  replicas: 1\n", nil, "must set kustomizeBase: true"},
		{"kustomizeBase false", "kustomizeBase: false\n", nil, "must set kustomizeBase: true"},
		{"template in a subdirectory", "", map[string]string{"templates/extra/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"}, "templates/<name>.yaml"},
		{"JSON template", "", map[string]string{"templates/cm.json": `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}`}, "templates/<name>.yaml"},
		{"template named as the kustomization", "", map[string]string{"templates/kustomization.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"}, "templates/<name>.yaml"},
		{"template renders no object", "", map[string]string{"templates/junk.yaml": "just: a map\n"}, "is no object"},
		{"template fails", "", map[string]string{"templates/fail.yaml": "{{ .Values.noSuchValue.x }}\n"}, "render chart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			chart := filepath.Join(dir, filepath.FromSlash(ChartPath))
			if err := os.CopyFS(chart, os.DirFS(filepath.Join(root(), filepath.FromSlash(ChartPath)))); err != nil {
				t.Fatal(err)
			}
			values := tt.values
			if values == "" {
				raw, err := os.ReadFile(filepath.Join(root(), filepath.FromSlash(ValuesPath)))
				if err != nil {
					t.Fatal(err)
				}
				values = string(raw)
			}
			write(t, filepath.Join(dir, filepath.FromSlash(ValuesPath)), values)
			for name, content := range tt.add {
				write(t, filepath.Join(chart, filepath.FromSlash(name)), content)
			}
			_, err := Render(dir, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// write creates the file at p, and its directory.
func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
