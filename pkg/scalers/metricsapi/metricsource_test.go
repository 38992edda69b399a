package metricsapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// TestAsMetricSource: a trigger that only feeds a scalingModifiers formula
// may omit targetValue, as in KEDA; one that scales on its own may not, and
// a negative or malformed target is refused either way.
func TestAsMetricSource(t *testing.T) {
	noTarget := map[string]string{"url": "http://127.0.0.1:8080/stats", "valueLocation": "tasks"}
	tests := []struct {
		name       string
		meta       map[string]string
		asSource   bool
		wantErr    string
		wantTarget float64
	}{
		{name: "omitted as metric source", meta: noTarget, asSource: true},
		{name: "zero as metric source", meta: baseMeta("targetValue", "0"), asSource: true},
		{name: "set as metric source", meta: baseMeta(), asSource: true, wantTarget: 8.8},
		{name: "omitted on its own", meta: noTarget, wantErr: `parameter "targetValue": required`},
		{name: "negative as metric source", meta: baseMeta("targetValue", "-1"), asSource: true, wantErr: "greater than 0"},
		{name: "malformed as metric source", meta: baseMeta("targetValue", "x"), asSource: true, wantErr: "want a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: tc.meta, AsMetricSource: tc.asSource})
			if tc.wantErr != "" {
				var pe *scalers.ParamError
				if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a ParamError with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tr.Target != tc.wantTarget {
				t.Fatalf("target = %v, want %v", tr.Target, tc.wantTarget)
			}
		})
	}
}
