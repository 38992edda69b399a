package adapter

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Condition reasons the adapter writes.
const (
	ReasonTriggerActive      = "TriggerActive"
	ReasonNoTriggerActive    = "NoTriggerActive"
	ReasonFallbackActive     = "FallbackActive"
	ReasonNoFallback         = "NoFallback"
	ReasonTriggerFailing     = "TriggerFailing"
	ReasonWaitingForPoll     = "WaitingForFirstPoll"
	ReasonInvalidTrigger     = "InvalidTrigger"
	ReasonNoExternalTriggers = "NoExternalTriggers"
	// ReasonTriggerNotResolved: a trigger's configuration could not be read
	// for a transient reason (a timeout, a 5xx) and there is no earlier
	// build of it to keep polling.
	ReasonTriggerNotResolved = "TriggerNotResolved"
	// ReasonStatusWriteFailed: Event when the API server refuses the
	// adapter's status write of an object for a reason retrying alone
	// will not fix.
	ReasonStatusWriteFailed = "StatusWriteFailed"
)

// adapterStatus is the part of a ScaledObject's status the adapter owns.
type adapterStatus struct {
	Conditions     []v1alpha1.Condition // Active, Fallback
	Triggers       []v1alpha1.TriggerStatus
	Health         map[string]v1alpha1.HealthStatus
	LastActiveTime *metav1.Time
	TriggersTypes  string
	AuthTypes      string
	Activity       map[string]v1alpha1.TriggerActivityStatus
}

// ownedStatus extracts what the adapter owns from a stored status.
func ownedStatus(s *v1alpha1.ScaledObjectStatus) adapterStatus {
	out := adapterStatus{Triggers: s.Triggers, Health: s.Health, LastActiveTime: s.LastActiveTime, TriggersTypes: s.TriggersTypes,
		AuthTypes: s.AuthenticationsTypes, Activity: s.TriggersActivity}
	for _, t := range []v1alpha1.ConditionType{v1alpha1.ConditionActive, v1alpha1.ConditionFallback} {
		if c := s.Condition(t); c != nil {
			out.Conditions = append(out.Conditions, *c)
		}
	}
	return out
}

// equal reports whether two statuses say the same, comparing times at the
// second precision they are stored with.
func (a adapterStatus) equal(b adapterStatus) bool {
	return equality.Semantic.DeepEqual(a, b)
}

// desiredStatus computes the adapter's status of so from the engine's state
// (nil when the engine has none), the triggers that could not be built, and
// the status now stored. Conditions keep their transition time while their
// status holds.
func desiredStatus(so *v1alpha1.ScaledObject, state *poll.ObjectState, invalid []invalidTrigger, now time.Time) adapterStatus {
	cur := ownedStatus(&so.Status)
	out := adapterStatus{TriggersTypes: triggerTypes(so), AuthTypes: authTypes(so), Health: map[string]v1alpha1.HealthStatus{}}
	var triggers []poll.TriggerState
	if state != nil {
		triggers = state.Triggers
	}
	for i := range triggers {
		t := &triggers[i]
		ts := activity.Status(activity.Trigger{
			Index: t.Index, Name: t.Name, Type: t.Type, MetricName: t.MetricName,
			Target: t.Target, ActivationTarget: t.ActivationTarget,
			Active: t.Polled && t.Healthy && t.Active,
			// Healthy is false only while polls fail: a trigger not polled
			// yet is unknown (Active says so), not failing.
			Healthy: !t.Polled || t.Healthy, Failures: t.ConsecutiveFailures,
			LastError: t.LastError, Warning: t.Warning,
		})
		out.Triggers = append(out.Triggers, ts)
		out.Health[t.MetricName] = health(ts.NumberOfFailures, ts.Healthy)
		out.Activity = setActivity(out.Activity, t.MetricName, ts.Active)
	}
	for _, inv := range invalid {
		if inv.transient {
			if addWarning(out.Triggers, inv) {
				continue // the last good build keeps polling
			}
			metric := scalers.MetricName(inv.index, inv.typ)
			out.Triggers = append(out.Triggers, v1alpha1.TriggerStatus{
				MetricName: metric, Index: int32(inv.index), Name: inv.name, Type: inv.typ,
				Healthy: true, Warning: "reading the configuration failed; retrying: " + inv.message,
			})
			continue
		}
		metric := scalers.MetricName(inv.index, inv.typ)
		out.Triggers = append(out.Triggers, v1alpha1.TriggerStatus{
			MetricName: metric, Index: int32(inv.index), Name: inv.name, Type: inv.typ,
			LastError: inv.message,
		})
		out.Health[metric] = health(0, false)
	}
	sortTriggers(out.Triggers)
	if len(out.Health) == 0 {
		out.Health = nil
	}

	active, fallback := activeCondition(so, triggers, invalid), fallbackCondition(so, triggers)
	if composite.Used(&so.Spec) {
		active, fallback = compositeConditions(so, state, active)
	}
	out.Conditions = []v1alpha1.Condition{keepTransition(cur, active, now), keepTransition(cur, fallback, now)}

	// lastActiveTime moves when the object becomes active and when it stops
	// being active (the last moment it was seen active), never per poll.
	out.LastActiveTime = cur.LastActiveTime
	prev := findCondition(cur.Conditions, v1alpha1.ConditionActive)
	if wasActive := prev != nil && prev.Status == metav1.ConditionTrue; wasActive != (active.Status == metav1.ConditionTrue) {
		t := metav1.NewTime(now.Truncate(time.Second))
		out.LastActiveTime = &t
	}
	return out
}

// activeCondition is True while any trigger is active (or serves a
// fallback of at least one replica), False when every trigger is known to
// be inactive, and Unknown otherwise: unknown is never taken for inactive.
func activeCondition(so *v1alpha1.ScaledObject, triggers []poll.TriggerState, invalid []invalidTrigger) v1alpha1.Condition {
	c := v1alpha1.Condition{Type: v1alpha1.ConditionActive}
	var waiting, failing *poll.TriggerState
	var invalidMsg, unresolved string
	for _, inv := range invalid {
		switch {
		case !inv.transient && invalidMsg == "":
			invalidMsg = inv.message
		case inv.transient && unresolved == "" && !hasTrigger(triggers, inv.index):
			unresolved = inv.message
		}
	}
	for i := range triggers {
		t := &triggers[i]
		switch {
		case !t.Polled:
			waiting = first(waiting, t)
		case t.InFallback && so.Spec.Fallback != nil && so.Spec.Fallback.Replicas > 0:
			c.Status, c.Reason = metav1.ConditionTrue, ReasonFallbackActive
			c.Message = fmt.Sprintf("trigger %s is failing and its fallback holds %s", label(t.Name, t.MetricName), fallbackText(so.Spec.Fallback))
			return c
		case !t.Healthy:
			failing = first(failing, t)
		case t.Active:
			c.Status, c.Reason = metav1.ConditionTrue, ReasonTriggerActive
			c.Message = fmt.Sprintf("trigger %s is active", label(t.Name, t.MetricName))
			return c
		}
	}
	c.Status = metav1.ConditionUnknown
	switch {
	case failing != nil:
		c.Reason = ReasonTriggerFailing
		c.Message = fmt.Sprintf("trigger %s is failing: %s", label(failing.Name, failing.MetricName), failing.LastError)
	case invalidMsg != "":
		c.Reason = ReasonInvalidTrigger
		c.Message = invalidMsg
	case unresolved != "":
		c.Reason = ReasonTriggerNotResolved
		c.Message = "reading the trigger's configuration failed; retrying: " + unresolved
	case waiting != nil:
		c.Reason = ReasonWaitingForPoll
		c.Message = fmt.Sprintf("trigger %s has not been polled yet", label(waiting.Name, waiting.MetricName))
	case len(triggers) == 0:
		c.Reason = ReasonNoExternalTriggers
		c.Message = "the ScaledObject has no trigger the adapter polls"
	default:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, ReasonNoTriggerActive, "no trigger is active"
	}
	return c
}

// fallbackCondition is True while any trigger serves its fallback value.
func fallbackCondition(so *v1alpha1.ScaledObject, triggers []poll.TriggerState) v1alpha1.Condition {
	for i := range triggers {
		if t := &triggers[i]; t.InFallback && so.Spec.Fallback != nil {
			return v1alpha1.Condition{
				Type: v1alpha1.ConditionFallback, Status: metav1.ConditionTrue, Reason: ReasonFallbackActive,
				Message: fmt.Sprintf("trigger %s is failing; the HPA is served the fallback of %s", label(t.Name, t.MetricName), fallbackText(so.Spec.Fallback)),
			}
		}
	}
	return v1alpha1.Condition{Type: v1alpha1.ConditionFallback, Status: metav1.ConditionFalse, Reason: ReasonNoFallback, Message: "no trigger serves a fallback value"}
}

// keepTransition sets c's transition time: the stored one while the status
// is unchanged, else now.
func keepTransition(cur adapterStatus, c v1alpha1.Condition, now time.Time) v1alpha1.Condition {
	if prev := findCondition(cur.Conditions, c.Type); prev != nil && prev.Status == c.Status && prev.LastTransitionTime != nil {
		c.LastTransitionTime = prev.LastTransitionTime
		return c
	}
	t := metav1.NewTime(now.Truncate(time.Second))
	c.LastTransitionTime = &t
	return c
}

func findCondition(cs []v1alpha1.Condition, t v1alpha1.ConditionType) *v1alpha1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

func health(failures int32, happy bool) v1alpha1.HealthStatus {
	s := v1alpha1.HealthStatusFailing
	if happy {
		s = v1alpha1.HealthStatusHappy
	}
	return v1alpha1.HealthStatus{NumberOfFailures: &failures, Status: s}
}

// triggerTypes lists the distinct trigger types in spec order, comma
// separated, for the Triggers printer column.
func triggerTypes(so *v1alpha1.ScaledObject) string {
	var types []string
	seen := map[string]bool{}
	for _, t := range so.Spec.Triggers {
		if !seen[t.Type] {
			seen[t.Type] = true
			types = append(types, t.Type)
		}
	}
	return strings.Join(types, ",")
}

// formatQuantity renders a target value as the quantity the HPA takes.
func formatQuantity(v float64) string { return activity.FormatQuantity(v) }

func label(name, metric string) string {
	if name != "" {
		return fmt.Sprintf("%q", name)
	}
	return metric
}

func first(cur, t *poll.TriggerState) *poll.TriggerState {
	if cur != nil {
		return cur
	}
	return t
}

func sortTriggers(ts []v1alpha1.TriggerStatus) {
	slices.SortFunc(ts, func(a, b v1alpha1.TriggerStatus) int { return cmp.Compare(a.Index, b.Index) })
}

// addWarning sets the warning of a transient resolution failure on the
// trigger of ts with inv's index, and reports whether there was one.
func addWarning(ts []v1alpha1.TriggerStatus, inv invalidTrigger) bool {
	for i := range ts {
		if int(ts[i].Index) == inv.index {
			w := transientWarning(inv)
			if ts[i].Warning != "" {
				w = ts[i].Warning + "; " + w
			}
			ts[i].Warning = w
			return true
		}
	}
	return false
}

func transientWarning(inv invalidTrigger) string {
	return "reading the configuration failed, polling the last good one and retrying: " + inv.message
}

func hasTrigger(triggers []poll.TriggerState, index int) bool {
	for i := range triggers {
		if triggers[i].Index == index {
			return true
		}
	}
	return false
}
