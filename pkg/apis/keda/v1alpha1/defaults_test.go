package v1alpha1

import (
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
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

// TestFallbackReadsReplicas: only a fallback that starts from the current
// replica count reads it: a non-static behavior, or a Value target.
func TestFallbackReadsReplicas(t *testing.T) {
	value := ScaleTriggers{Type: "metrics-api", MetricType: autoscalingv2.ValueMetricType}
	average := ScaleTriggers{Type: "metrics-api"}
	fb := func(b FallbackBehavior) *Fallback { return &Fallback{FailureThreshold: 3, Replicas: 2, Behavior: b} }
	composite := func(m autoscalingv2.MetricTargetType) *AdvancedConfig {
		return &AdvancedConfig{ScalingModifiers: ScalingModifiers{Formula: "a", Target: "5", MetricType: m}}
	}
	tests := []struct {
		name string
		spec ScaledObjectSpec
		want bool
	}{
		{"no fallback", ScaledObjectSpec{Triggers: []ScaleTriggers{value}}, false},
		{"static, AverageValue", ScaledObjectSpec{Fallback: fb(""), Triggers: []ScaleTriggers{average}}, false},
		{"static named, AverageValue", ScaledObjectSpec{Fallback: fb(FallbackStatic), Triggers: []ScaleTriggers{average}}, false},
		{"scalingModifiers, AverageValue", ScaledObjectSpec{Fallback: fb(FallbackScalingModifiers), Triggers: []ScaleTriggers{average}, Advanced: composite("")}, false},
		{"currentReplicas", ScaledObjectSpec{Fallback: fb(FallbackCurrentReplicas), Triggers: []ScaleTriggers{average}}, true},
		{"currentReplicasIfHigher", ScaledObjectSpec{Fallback: fb(FallbackCurrentReplicasIfHigher), Triggers: []ScaleTriggers{average}}, true},
		{"currentReplicasIfLower", ScaledObjectSpec{Fallback: fb(FallbackCurrentReplicasIfLower), Triggers: []ScaleTriggers{average}}, true},
		{"static, a Value trigger", ScaledObjectSpec{Fallback: fb(""), Triggers: []ScaleTriggers{average, value}}, true},
		{"static, a Value composite", ScaledObjectSpec{Fallback: fb(FallbackScalingModifiers), Triggers: []ScaleTriggers{average}, Advanced: composite(autoscalingv2.ValueMetricType)}, true},
		{"Value composite without a formula", ScaledObjectSpec{Fallback: fb(""), Triggers: []ScaleTriggers{average},
			Advanced: &AdvancedConfig{ScalingModifiers: ScalingModifiers{MetricType: autoscalingv2.ValueMetricType}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.spec.FallbackReadsReplicas(); got != tt.want {
				t.Errorf("FallbackReadsReplicas() = %v, want %v", got, tt.want)
			}
		})
	}
}
