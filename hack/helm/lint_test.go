package helm

import (
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint/support"

	"github.com/sluice-dev/sluice/hack/helm/base"
)

// TestChartLints runs `helm lint --strict` on the chart with default, with
// custom and with the kustomize base's values: no warnings, no errors.
func TestChartLints(t *testing.T) {
	tests := []struct {
		name   string
		values func(t *testing.T) map[string]any
	}{
		{"defaults", func(*testing.T) map[string]any { return map[string]any{} }},
		{"custom values", func(t *testing.T) map[string]any { v, _ := suppliedTLS(t, "sluice-system", ""); return v }},
		{"kustomize base values", func(t *testing.T) map[string]any {
			v, err := chartutil.ReadValuesFile(filepath.Join("..", "..", filepath.FromSlash(base.ValuesPath)))
			if err != nil {
				t.Fatal(err)
			}
			return v.AsMap()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := action.NewLint()
			l.Strict = true
			l.Namespace = "sluice-system"
			res := l.Run([]string{chartDir()}, tt.values(t))
			for _, err := range res.Errors {
				t.Errorf("lint: %v", err)
			}
			for _, m := range res.Messages {
				if m.Severity > support.InfoSev {
					t.Errorf("lint: %s", m)
				}
			}
		})
	}
}
