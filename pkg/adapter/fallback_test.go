package adapter

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestFallbackText(t *testing.T) {
	tests := []struct {
		behavior v1alpha1.FallbackBehavior
		want     string
	}{
		{"", "4 replicas"},
		{v1alpha1.FallbackStatic, "4 replicas"},
		{v1alpha1.FallbackCurrentReplicas, "the current replica count"},
		{v1alpha1.FallbackCurrentReplicasIfHigher, "the current replica count or 4 replicas, whichever is higher"},
		{v1alpha1.FallbackCurrentReplicasIfLower, "the current replica count or 4 replicas, whichever is lower"},
	}
	for _, tt := range tests {
		t.Run(string(tt.behavior), func(t *testing.T) {
			if got := fallbackText(&v1alpha1.Fallback{Replicas: 4, Behavior: tt.behavior}); got != tt.want {
				t.Errorf("fallbackText = %q, want %q", got, tt.want)
			}
		})
	}
}
