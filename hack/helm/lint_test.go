package helm

import (
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/lint/support"
)

// TestChartLints runs `helm lint --strict` on the chart with default and
// with custom values: no warnings, no errors.
func TestChartLints(t *testing.T) {
	tests := []struct {
		name   string
		values func(t *testing.T) map[string]any
	}{
		{"defaults", func(*testing.T) map[string]any { return map[string]any{} }},
		{"custom values", func(t *testing.T) map[string]any { v, _ := suppliedTLS(t, "sluice-system", ""); return v }},
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
