package poll

import (
	"time"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Key identifies a ScaledObject.
type Key struct {
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (k Key) String() string { return k.Namespace + "/" + k.Name }

// ObjectSpec is what the engine polls for one ScaledObject.
type ObjectSpec struct {
	// PollingInterval is how often each trigger is polled; must be
	// positive.
	PollingInterval time.Duration
	// Fallback is the object's spec.fallback; nil when unset. It must not
	// be modified after Set.
	Fallback *v1alpha1.Fallback
	// Composite is the object's compiled scalingModifiers; nil when unset.
	// The provider then also serves composite.MetricName for the object.
	Composite *composite.Formula
	// Triggers are the object's decoded triggers. Their MetricNames must be
	// unique and every Trigger must have a non-empty Key and a Source.
	Triggers []TriggerSpec
}

// TriggerSpec is one decoded trigger of a ScaledObject.
type TriggerSpec struct {
	// Index is the trigger's position in spec.triggers.
	Index int
	// Name is the trigger's name; may be empty.
	Name string
	// Type is the trigger type, for example "azure-queue".
	Type string
	// MetricName is the full external metric name, from scalers.MetricName.
	MetricName string
	// ValueTarget is true when the HPA targets the metric's total value
	// (metricType Value) rather than its average per replica.
	ValueTarget bool
	// Trigger is the decoded trigger. When a source with the same Key is
	// already being polled, that poller and its Source are kept, this
	// Trigger's Source is closed unused, and Set replaces it with the
	// polled one: the caller must not read Trigger.Source while Set runs.
	Trigger *scalers.Trigger
}

// ObjectState is an immutable snapshot of one object's triggers. Callers must
// not modify it or anything it points to.
type ObjectState struct {
	// Key is the object's key.
	Key Key
	// PollingInterval is the object's polling interval.
	PollingInterval time.Duration
	// Fallback is the object's fallback; nil when unset.
	Fallback *v1alpha1.Fallback
	// Composite is the object's compiled scalingModifiers; nil when unset
	// (see CompositeAt).
	Composite *composite.Formula
	// Triggers are in ObjectSpec order.
	Triggers []TriggerState
	// UpdatedAt is when this snapshot was built; the Healthy and
	// InFallback flags were evaluated at that time.
	UpdatedAt time.Time
}

// TriggerState is the state of one trigger. Value, failures and timestamps
// belong to the trigger's source and are shared with every trigger that has
// the same key; Active is judged per trigger.
type TriggerState struct {
	// Index, Name, Type and MetricName are copied from the TriggerSpec.
	Index      int
	Name       string
	Type       string
	MetricName string
	// ValueTarget is copied from the TriggerSpec.
	ValueTarget bool
	// Target, ActivationTarget and Warning are copied from the Trigger.
	Target           float64
	ActivationTarget float64
	Warning          string

	// Polled is true once the source's first poll completed, successfully
	// or not.
	Polled bool
	// Value is the last successfully polled value, as the source returned
	// it (possibly NaN, infinite or negative). Zero before any success.
	Value float64
	// Active is Value > ActivationTarget for the last successful poll (the
	// activity value of a scalers.ActivitySource); false before any success. Whether it is current is told by Healthy.
	Active bool
	// LastSuccess is the time of the last successful poll; zero before any.
	LastSuccess time.Time
	// FreshUntil is when the value turns stale: StaleAfterIntervals object
	// intervals after the last success, or after the first poll when none
	// succeeded yet.
	FreshUntil time.Time
	// ConsecutiveFailures counts failed polls since the last success.
	ConsecutiveFailures int
	// LastError is the message of the last failed poll; empty after a
	// success.
	LastError string
	// Healthy is Fresh(UpdatedAt) of the enclosing ObjectState.
	Healthy bool
	// InFallback is ObjectState.FallbackDue for this trigger at UpdatedAt.
	InFallback bool
	// FirstPoll is closed once the source's first poll completed. Wait on
	// it (bounded by a context) when Polled is false.
	FirstPoll <-chan struct{}
}

// Fresh reports whether the value can be served at now: the last poll
// succeeded and the value is not stale.
func (t *TriggerState) Fresh(now time.Time) bool {
	return t.Polled && t.ConsecutiveFailures == 0 && now.Before(t.FreshUntil)
}

// Stale reports whether, at now, the trigger has gone StaleAfterIntervals
// intervals without a successful poll. It is false before the first poll.
func (t *TriggerState) Stale(now time.Time) bool {
	return t.Polled && !now.Before(t.FreshUntil)
}

// Trigger returns the state of the trigger with the given metric name, or nil
// when the object has none. The result points into s.
func (s *ObjectState) Trigger(metricName string) *TriggerState {
	for i := range s.Triggers {
		if s.Triggers[i].MetricName == metricName {
			return &s.Triggers[i]
		}
	}
	return nil
}

// FallbackDue reports whether the object's fallback applies to t at now: a
// fallback is set, the value is not fresh, and the source has failed at
// least fallback.failureThreshold times in a row or its value is stale.
// Behavior scalingModifiers has no replica fallback per trigger: the
// failing trigger reads as nil in the scalingModifiers formula instead
// (see NilDue).
func (s *ObjectState) FallbackDue(t *TriggerState, now time.Time) bool {
	return s.Fallback != nil && s.Fallback.Behavior != v1alpha1.FallbackScalingModifiers && s.pastThreshold(t, now)
}

// NilDue reports whether t reads as nil in the object's scalingModifiers
// formula at now: fallback.behavior is scalingModifiers and t is failing as
// FallbackDue would count it.
func (s *ObjectState) NilDue(t *TriggerState, now time.Time) bool {
	return s.Fallback != nil && s.Fallback.Behavior == v1alpha1.FallbackScalingModifiers && s.pastThreshold(t, now)
}

// pastThreshold: a fallback is set, t's value is not fresh, and its source
// has failed at least fallback.failureThreshold times in a row or its value
// is stale.
func (s *ObjectState) pastThreshold(t *TriggerState, now time.Time) bool {
	if s.Fallback == nil || !t.Polled || t.Fresh(now) {
		return false
	}
	threshold := max(int(s.Fallback.FailureThreshold), 1)
	return t.ConsecutiveFailures >= threshold || t.Stale(now)
}
