package adapter

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

func withModifiers(formula, target, activation string) func(*v1alpha1.ScaledObject) {
	return func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = []v1alpha1.ScaleTriggers{
			{Type: "metrics-api", Name: "a", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "api-auth"}},
			{Type: "metrics-api", Name: "b", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "api-auth"}},
			{Type: "kafka", Name: "c", AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "kafka-auth", Kind: "ClusterTriggerAuthentication"}},
		}
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{ScalingModifiers: v1alpha1.ScalingModifiers{Formula: formula, Target: target, ActivationTarget: activation}}
	}
}

func TestCompositeConditions(t *testing.T) {
	fresh := func(index int, name string, v float64, active bool) poll.TriggerState {
		ts := named(trig(index, "s"+string(rune('0'+index))+"-"+name, v, active), name)
		ts.LastSuccess, ts.FreshUntil = now.Add(-time.Second), now.Add(time.Minute)
		return ts
	}
	failing := fresh(1, "b", 0, false)
	failing.Healthy, failing.ConsecutiveFailures, failing.LastError = false, 3, "connection refused"
	modifiersFB := &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 2, Behavior: v1alpha1.FallbackScalingModifiers}
	tests := []struct {
		name                  string
		formula, activation   string
		fallback              *v1alpha1.Fallback
		triggers              []poll.TriggerState
		wantActive, wantFB    metav1.ConditionStatus
		wantReason, wantInMsg string
	}{
		{"composite above activation", "a + b", "5", nil, []poll.TriggerState{fresh(0, "a", 3, false), fresh(1, "b", 3, false)},
			metav1.ConditionTrue, metav1.ConditionFalse, ReasonCompositeActive, "activationTarget"},
		// Each trigger alone is active, but the composite is not: the
		// composite decides.
		{"composite at activation is inactive", "a - b", "0", nil, []poll.TriggerState{fresh(0, "a", 3, true), fresh(1, "b", 3, true)},
			metav1.ConditionFalse, metav1.ConditionFalse, ReasonCompositeInactive, ""},
		{"failing trigger is unknown", "a + b", "", nil, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionUnknown, metav1.ConditionFalse, ReasonCompositeUnknown, "connection refused"},
		{"fallback", "a + b", "", &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 2}, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionTrue, metav1.ConditionTrue, ReasonFallbackActive, "fallback"},
		{"fallback of zero is unknown", "a + b", "", &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 0}, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionUnknown, metav1.ConditionTrue, ReasonCompositeUnknown, "0 replicas"},
		{"fallback by behaviour", "a + b", "", &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 2, Behavior: v1alpha1.FallbackCurrentReplicasIfHigher}, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionTrue, metav1.ConditionTrue, ReasonFallbackActive, "whichever is higher"},
		{"nil read with ??", "a + (b ?? 0)", "", modifiersFB, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionTrue, metav1.ConditionTrue, ReasonCompositeActive, "failing triggers b are read as nil"},
		{"nil read with ?? and inactive", "a + (b ?? 0)", "5", modifiersFB, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionFalse, metav1.ConditionTrue, ReasonCompositeInactive, "read as nil"},
		{"nil without ?? is unknown", "a + b", "", modifiersFB, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionUnknown, metav1.ConditionFalse, ReasonCompositeUnknown, "read as nil: b"},
		{"nil result falls back", "b ?? b", "", modifiersFB, []poll.TriggerState{fresh(0, "a", 3, true), failing},
			metav1.ConditionTrue, metav1.ConditionTrue, ReasonFallbackActive, "the formula is nil"},
		{"formula does not compile", "a + d", "", nil, []poll.TriggerState{fresh(0, "a", 3, true)},
			metav1.ConditionUnknown, metav1.ConditionFalse, ReasonInvalidScalingModifiers, composite.FieldFormula},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			so := object(withModifiers(tc.formula, "2", tc.activation))
			so.Spec.Fallback = tc.fallback
			f, _ := composite.Compile(&so.Spec)
			st := &poll.ObjectState{Composite: f, Fallback: tc.fallback, Triggers: tc.triggers, UpdatedAt: now}
			got := desiredStatus(so, st, nil, now)
			active := findCondition(got.Conditions, v1alpha1.ConditionActive)
			fb := findCondition(got.Conditions, v1alpha1.ConditionFallback)
			if active.Status != tc.wantActive || active.Reason != tc.wantReason || !strings.Contains(active.Message+fb.Message, tc.wantInMsg) {
				t.Fatalf("Active = %+v, want %s %s with %q", active, tc.wantActive, tc.wantReason, tc.wantInMsg)
			}
			if fb.Status != tc.wantFB {
				t.Fatalf("Fallback = %+v, want %s", fb, tc.wantFB)
			}
		})
	}
}

func TestKEDAStatusFields(t *testing.T) {
	so := object(withModifiers("a + b", "2", ""))
	st := &poll.ObjectState{Triggers: []poll.TriggerState{
		named(trig(0, "s0-a", 7, true), "a"), named(trig(1, "s1-b", 0, false), "b")}}
	got := desiredStatus(so, st, []invalidTrigger{{index: 2, name: "c", typ: "kafka", message: "bad"}}, now)
	if got.AuthTypes != "api-auth,kafka-auth" {
		t.Errorf("authenticationsTypes = %q, want api-auth,kafka-auth", got.AuthTypes)
	}
	want := map[string]v1alpha1.TriggerActivityStatus{"s0-a": {IsActive: true}, "s1-b": {IsActive: false}}
	if len(got.Activity) != len(want) || got.Activity["s0-a"] != want["s0-a"] || got.Activity["s1-b"] != want["s1-b"] {
		t.Errorf("triggersActivity = %v, want %v", got.Activity, want)
	}
	for metric, h := range got.Health {
		if h.NumberOfFailures == nil || (h.Status != v1alpha1.HealthStatusHappy && h.Status != v1alpha1.HealthStatusFailing) {
			t.Errorf("health[%s] = %+v, want KEDA's shape", metric, h)
		}
	}
	if object().Status.AuthenticationsTypes != "" || authTypes(object()) != "" {
		t.Error("authenticationsTypes set without any authenticationRef")
	}
}
