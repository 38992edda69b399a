package poll

import (
	"fmt"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/composite"
)

// CompositeValue is the composite metric of an object with
// scalingModifiers (ObjectState.Composite) at one moment.
type CompositeValue struct {
	// Known is false while any trigger the formula reads has no fresh
	// value and no fallback: the composite is then unknown, never computed
	// over a missing value.
	Known bool
	// Value is what is served: the formula's result with NaN, ±Inf and
	// negatives as 0, or fallback.replicas × target in fallback.
	Value float64
	// Active is Value > activationTarget; false while unknown.
	Active bool
	// InFallback is true when a trigger the formula reads is due for its
	// fallback and the others are fresh or due too: the composite is then
	// served as fallback.replicas × the composite target, as KEDA does.
	InFallback bool
	// Observed is when the evidence was gathered: the oldest last success
	// of the triggers read, or the evaluation time for a fallback or a
	// formula that reads no trigger.
	Observed time.Time
	// Waiting is true when unknown only because a trigger read has not
	// been polled yet.
	Waiting bool
	// Reason says why the composite is unknown; empty when Known.
	Reason string
}

// CompositeAt evaluates s.Composite at now from the triggers it reads.
// It must only be called when s.Composite is set.
func (s *ObjectState) CompositeAt(now time.Time) CompositeValue {
	f := s.Composite
	env := make(map[string]float64, len(f.Names()))
	var out CompositeValue
	var fallback bool
	for _, name := range f.Names() {
		t := s.triggerNamed(name)
		switch {
		case t == nil:
			return CompositeValue{Reason: fmt.Sprintf("trigger %q is not polled: its configuration is invalid", name)}
		case !t.Polled:
			return CompositeValue{Waiting: true, Reason: fmt.Sprintf("trigger %q has not been polled yet", name)}
		case t.Fresh(now):
			env[name] = t.Value
			if out.Observed.IsZero() || t.LastSuccess.Before(out.Observed) {
				out.Observed = t.LastSuccess
			}
		case s.FallbackDue(t, now):
			fallback = true
		default:
			reason := "no successful poll for too long"
			if t.LastError != "" {
				reason = t.LastError
			}
			return CompositeValue{Reason: fmt.Sprintf("trigger %q is failing: %s", name, reason)}
		}
	}
	if fallback {
		if f.MetricType == autoscalingv2.ValueMetricType {
			return CompositeValue{Reason: "a trigger the formula reads is failing; fallback is not served for a composite of metricType Value"}
		}
		v := float64(s.Fallback.Replicas) * f.Target
		return CompositeValue{Known: true, Value: v, Active: s.Fallback.Replicas > 0, InFallback: true, Observed: now}
	}
	raw, err := f.Eval(env)
	if err != nil {
		return CompositeValue{Reason: err.Error()}
	}
	if len(f.Names()) == 0 {
		out.Observed = now
	}
	out.Known, out.Value = true, composite.Sanitize(raw)
	out.Active = f.Active(raw)
	return out
}

// triggerNamed returns the trigger with the given spec name, or nil.
func (s *ObjectState) triggerNamed(name string) *TriggerState {
	for i := range s.Triggers {
		if s.Triggers[i].Name == name {
			return &s.Triggers[i]
		}
	}
	return nil
}

// compositeDerived is what a status writer publishes of the composite.
type compositeDerived struct {
	known, active, inFallback, waiting bool
	reason                             string
}

func deriveComposite(s *ObjectState) compositeDerived {
	if s.Composite == nil {
		return compositeDerived{}
	}
	c := s.CompositeAt(s.UpdatedAt)
	return compositeDerived{known: c.Known, active: c.Active, inFallback: c.InFallback, waiting: c.Waiting, reason: c.Reason}
}
