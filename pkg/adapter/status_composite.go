package adapter

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// Condition reasons of an object with scalingModifiers.
const (
	// ReasonCompositeActive: the composite metric is above
	// scalingModifiers.activationTarget.
	ReasonCompositeActive = "CompositeActive"
	// ReasonCompositeInactive: the composite metric is known and at or
	// below scalingModifiers.activationTarget.
	ReasonCompositeInactive = "CompositeInactive"
	// ReasonCompositeUnknown: a trigger the formula reads has no fresh
	// value (or the formula failed to evaluate), so the composite is
	// unknown and the replicas hold.
	ReasonCompositeUnknown = "CompositeUnknown"
	// ReasonInvalidScalingModifiers: scalingModifiers do not compile.
	ReasonInvalidScalingModifiers = "InvalidScalingModifiers"
)

// compositeConditions are the Active and Fallback conditions of an object
// with scalingModifiers: activity is the composite metric against the
// activationTarget, never the triggers one by one. perTrigger is the
// Active condition computed from the triggers, used while the engine has
// no compiled formula for a reason other than the formula (no trigger
// could be built).
func compositeConditions(so *v1alpha1.ScaledObject, state *poll.ObjectState, perTrigger v1alpha1.Condition) (active, fallback v1alpha1.Condition) {
	active = v1alpha1.Condition{Type: v1alpha1.ConditionActive, Status: metav1.ConditionUnknown}
	fallback = v1alpha1.Condition{Type: v1alpha1.ConditionFallback, Status: metav1.ConditionFalse, Reason: ReasonNoFallback,
		Message: "the composite metric is not served from the fallback"}
	if _, err := composite.Compile(&so.Spec); err != nil {
		active.Reason, active.Message = ReasonInvalidScalingModifiers, truncate(err.Error(), maxMessageLength)
		return active, fallback
	}
	if state == nil || state.Composite == nil {
		if perTrigger.Status == metav1.ConditionTrue {
			perTrigger.Status, perTrigger.Reason = metav1.ConditionUnknown, ReasonWaitingForPoll
			perTrigger.Message = "the composite metric has not been evaluated yet"
		}
		return perTrigger, fallback
	}
	c := state.CompositeAt(state.UpdatedAt)
	switch {
	case c.InFallback:
		fallback.Status, fallback.Reason = metav1.ConditionTrue, ReasonFallbackActive
		fallback.Message = "a trigger the formula reads is failing; the HPA is served the fallback of " + fallbackText(so.Spec.Fallback) + " as the composite metric"
		if c.Nils != "" {
			fallback.Message = "the formula is nil with failing triggers " + c.Nils + " read as nil; the HPA is served the fallback of " + fallbackText(so.Spec.Fallback) + " as the composite metric"
		}
		// A fallback of 0 replicas is no evidence of idleness: unknown.
		active.Reason, active.Message = ReasonCompositeUnknown, "a trigger the formula reads is failing and the fallback holds 0 replicas"
		if c.Active {
			active.Status, active.Reason, active.Message = metav1.ConditionTrue, ReasonFallbackActive, fallback.Message
		}
		return active, fallback
	case c.Known && c.Nils != "":
		fallback.Status, fallback.Reason = metav1.ConditionTrue, ReasonFallbackActive
		fallback.Message = "failing triggers " + c.Nils + " are read as nil in the formula (fallback.behavior scalingModifiers)"
	}
	switch {
	case c.Known && c.Active:
		active.Status, active.Reason = metav1.ConditionTrue, ReasonCompositeActive
		active.Message = "the composite metric is above scalingModifiers.activationTarget"
	case c.Known:
		active.Status, active.Reason = metav1.ConditionFalse, ReasonCompositeInactive
		active.Message = "the composite metric is at or below scalingModifiers.activationTarget"
	case c.Waiting:
		active.Reason, active.Message = ReasonWaitingForPoll, c.Reason
	default:
		active.Reason, active.Message = ReasonCompositeUnknown, truncate("the composite metric is unknown: "+c.Reason, maxMessageLength)
	}
	return active, fallback
}

// authTypes lists the distinct authenticationRef names of the triggers in
// spec order, comma separated, as KEDA fills status.authenticationsTypes.
func authTypes(so *v1alpha1.ScaledObject) string {
	var names []string
	for _, t := range so.Spec.Triggers {
		if t.AuthenticationRef != nil && t.AuthenticationRef.Name != "" && !contains(names, t.AuthenticationRef.Name) {
			names = append(names, t.AuthenticationRef.Name)
		}
	}
	return strings.Join(names, ",")
}

// setActivity records one trigger's activity in m, allocating it first.
func setActivity(m map[string]v1alpha1.TriggerActivityStatus, metric string, active bool) map[string]v1alpha1.TriggerActivityStatus {
	if m == nil {
		m = map[string]v1alpha1.TriggerActivityStatus{}
	}
	m[metric] = v1alpha1.TriggerActivityStatus{IsActive: active}
	return m
}
