package adapter

import (
	"fmt"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// fallbackText says which replica count fb holds, for condition messages.
func fallbackText(fb *v1alpha1.Fallback) string {
	switch fb.Behavior {
	case v1alpha1.FallbackCurrentReplicas:
		return "the current replica count"
	case v1alpha1.FallbackCurrentReplicasIfHigher:
		return fmt.Sprintf("the current replica count or %d replicas, whichever is higher", fb.Replicas)
	case v1alpha1.FallbackCurrentReplicasIfLower:
		return fmt.Sprintf("the current replica count or %d replicas, whichever is lower", fb.Replicas)
	default:
		return fmt.Sprintf("%d replicas", fb.Replicas)
	}
}
