package adapter

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/scalers/builtin"
)

// TestMetricNameBounded: a metrics-api valueLocation long enough to make a
// metric name past the bound makes the trigger invalid, with a message
// naming the parameter to shorten; a name at the bound is accepted.
func TestMetricNameBounded(t *testing.T) {
	registry, err := builtin.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	r := &resolver{registry: registry, log: zap.NewNop()}
	prefix := len("s0-metric-api-")
	tests := []struct {
		name        string
		locationLen int
		wantInvalid bool
	}{
		{"at the bound", MaxMetricNameLength - prefix, false},
		{"one past the bound", MaxMetricNameLength - prefix + 1, true},
		{"about 1,200 characters", 1200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			so := object(func(so *v1alpha1.ScaledObject) {
				so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "metrics-api", Metadata: map[string]string{
					"url": "http://127.0.0.1:1/v", "targetValue": "5", "valueLocation": strings.Repeat("a", tt.locationLen),
				}}}
			})
			res := r.resolve(context.Background(), so)
			if !tt.wantInvalid {
				if len(res.invalid) != 0 || len(res.spec.Triggers) != 1 {
					t.Fatalf("invalid = %+v, want the trigger built", res.invalid)
				}
				return
			}
			if len(res.invalid) != 1 || len(res.spec.Triggers) != 0 {
				t.Fatalf("invalid = %+v, triggers %d; want the trigger refused", res.invalid, len(res.spec.Triggers))
			}
			msg := res.invalid[0].message
			for _, want := range []string{`parameter "valueLocation"`, "253"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}
			if len(msg) > 400 {
				t.Errorf("message is %d characters: it should not repeat the input", len(msg))
			}
		})
	}
}

// TestMessagesBounded: an error quoting a huge input stays short in status.
func TestMessagesBounded(t *testing.T) {
	registry, err := builtin.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	r := &resolver{registry: registry, log: zap.NewNop()}
	so := object(func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "metrics-api", Metadata: map[string]string{
			"url": "http://127.0.0.1:1/v", "valueLocation": "v", "targetValue": strings.Repeat("9x", 50000),
		}}}
	})
	res := r.resolve(context.Background(), so)
	if len(res.invalid) != 1 {
		t.Fatalf("invalid = %d, want 1", len(res.invalid))
	}
	if n := len(res.invalid[0].message); n > maxMessageLength+len("…") {
		t.Errorf("message is %d bytes, want at most %d", n, maxMessageLength)
	}
}
