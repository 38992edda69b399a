package provider

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// TestCompositeFallbackServed checks the composite metric served while a
// trigger the formula reads fails, per fallback behaviour and the
// modifiers' metricType: the same arithmetic as a trigger's fallback
// (target 5, fallback.replicas 6, failureThreshold 3), and, with behavior
// scalingModifiers, the formula over nil.
func TestCompositeFallbackServed(t *testing.T) {
	failing := poll.TriggerState{Polled: true, ConsecutiveFailures: 3, LastError: "connection refused", FreshUntil: now.Add(time.Minute)}
	tests := []struct {
		name       string
		formula    string
		behavior   v1alpha1.FallbackBehavior
		metricType autoscalingv2.MetricTargetType
		replicas   replicaMap
		b          poll.TriggerState
		want       string // empty: expect 503
	}{
		{"static", "a + b", v1alpha1.FallbackStatic, "", replicaMap{key: 3}, failing, "30"},
		{"currentReplicas at 3", "a + b", v1alpha1.FallbackCurrentReplicas, "", replicaMap{key: 3}, failing, "15"},
		{"currentReplicasIfHigher at 9", "a + b", v1alpha1.FallbackCurrentReplicasIfHigher, "", replicaMap{key: 9}, failing, "45"},
		{"currentReplicasIfHigher at 2", "a + b", v1alpha1.FallbackCurrentReplicasIfHigher, "", replicaMap{key: 2}, failing, "30"},
		{"currentReplicasIfLower at 3", "a + b", v1alpha1.FallbackCurrentReplicasIfLower, "", replicaMap{key: 3}, failing, "15"},
		{"currentReplicas at 0 takes fallback.replicas", "a + b", v1alpha1.FallbackCurrentReplicas, "", replicaMap{key: 0}, failing, "30"},
		{"currentReplicas, count unknown", "a + b", v1alpha1.FallbackCurrentReplicas, "", replicaMap{}, failing, "30"},
		{"Value static at 3", "a + b", v1alpha1.FallbackStatic, autoscalingv2.ValueMetricType, replicaMap{key: 3}, failing, "10"},
		{"Value currentReplicasIfHigher at 9", "a + b", v1alpha1.FallbackCurrentReplicasIfHigher, autoscalingv2.ValueMetricType, replicaMap{key: 9}, failing, "5"},
		{"Value, count unknown", "a + b", v1alpha1.FallbackStatic, autoscalingv2.ValueMetricType, replicaMap{}, failing, ""},
		{"scalingModifiers: ?? supplies the default", "a + (b ?? 7)", v1alpha1.FallbackScalingModifiers, "", replicaMap{key: 3}, failing, "8"},
		{"scalingModifiers: nil without ?? is a 503, never 0", "a + b", v1alpha1.FallbackScalingModifiers, "", replicaMap{key: 3}, failing, ""},
		{"scalingModifiers: nil result is replicas times target", "b ?? b", v1alpha1.FallbackScalingModifiers, "", replicaMap{key: 3}, failing, "30"},
		{"scalingModifiers: nil result, Value at 3", "b ?? b", v1alpha1.FallbackScalingModifiers, autoscalingv2.ValueMetricType, replicaMap{key: 3}, failing, "10"},
		{"scalingModifiers: fresh", "a + (b ?? 7)", v1alpha1.FallbackScalingModifiers, "", replicaMap{key: 3}, fresh(2), "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 6, Behavior: tt.behavior}
			f := compileAB(t, fb, v1alpha1.ScalingModifiers{Formula: tt.formula, Target: "5", MetricType: tt.metricType})
			a, b := fresh(1), tt.b
			a.Name, a.MetricName, b.Name, b.MetricName = "a", "s0-x", "b", "s1-y"
			store := &fakeStore{}
			store.put(key, poll.ObjectState{Key: key, Composite: f, Fallback: fb, Triggers: []poll.TriggerState{a, b}})
			opts := NewOptions()
			opts.Clock = clocktesting.NewFakeClock(now)
			opts.Replicas = tt.replicas
			p, err := New(store, opts)
			if err != nil {
				t.Fatal(err)
			}
			expectValue(t, p, composite.MetricName, tt.want)
		})
	}
}
