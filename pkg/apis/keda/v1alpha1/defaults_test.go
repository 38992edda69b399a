package v1alpha1

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestScaleTargetGVK: KEDA's defaults fill an empty apiVersion or kind; a
// malformed apiVersion is an error that keeps the kind.
func TestScaleTargetGVK(t *testing.T) {
	tests := []struct {
		name    string
		ref     ScaleTarget
		want    schema.GroupVersionKind
		wantErr bool
	}{
		{"defaults", ScaleTarget{Name: "w"}, schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, false},
		{"kind only", ScaleTarget{Name: "w", Kind: "StatefulSet"}, schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}, false},
		{"custom", ScaleTarget{Name: "w", APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout"}, schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout"}, false},
		{"core group", ScaleTarget{Name: "w", APIVersion: "v1", Kind: "ReplicationController"}, schema.GroupVersionKind{Version: "v1", Kind: "ReplicationController"}, false},
		{"malformed", ScaleTarget{Name: "w", APIVersion: "a/b/c", Kind: "X"}, schema.GroupVersionKind{Kind: "X"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ref.GroupVersionKind()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("GroupVersionKind() = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
