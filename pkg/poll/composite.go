package poll

import (
	"fmt"
	"strings"
	"time"

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
	// negatives as 0. In fallback it is fallback.replicas × target, the
	// value for an AverageValue target with fallback.behavior static; the
	// provider applies the behaviour and metricType (see
	// provider.FallbackReplicas and provider.FallbackValue).
	Value float64
	// Active is Value > activationTarget, or fallback.replicas > 0 in
	// fallback; false while unknown.
	Active bool
	// InFallback is true when the composite is served from the fallback:
	// a trigger the formula reads is due for its fallback (and the others
	// are fresh or due too), as KEDA does, or, with fallback.behavior
	// scalingModifiers, the formula yielded nil.
	InFallback bool
	// Nils lists, comma separated in name order, the triggers the formula
	// read as nil (fallback.behavior scalingModifiers); empty when none.
	Nils string
	// Observed is when the evidence was gathered: the oldest last success
	// of the triggers read, or the evaluation time for a fallback or a
	// formula that reads no fresh value.
	Observed time.Time
	// Waiting is true when unknown only because a trigger read has not
	// been polled yet.
	Waiting bool
	// Reason says why the composite is unknown; empty when Known.
	Reason string
}

// CompositeAt evaluates s.Composite at now from the triggers it reads.
// It must only be called when s.Composite is set. A trigger that is not
// fresh makes the composite unknown, unless it is due for its fallback
// (the whole composite falls back) or, with fallback.behavior
// scalingModifiers, past its failure threshold (it reads as nil).
func (s *ObjectState) CompositeAt(now time.Time) CompositeValue {
	f := s.Composite
	env := make(map[string]float64, len(f.Names()))
	var nils []string
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
		case s.NilDue(t, now):
			nils = append(nils, name)
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
		return s.compositeFallback(now, "")
	}
	raw, isNil, err := s.evalComposite(env, nils)
	switch {
	case err != nil:
		return CompositeValue{Reason: err.Error()}
	case isNil:
		return s.compositeFallback(now, strings.Join(nils, ","))
	}
	if out.Observed.IsZero() {
		out.Observed = now
	}
	out.Known, out.Value, out.Nils = true, composite.Sanitize(raw), strings.Join(nils, ",")
	out.Active = f.Active(raw)
	return out
}

// evalComposite runs the formula over env, with every name in nils as nil.
func (s *ObjectState) evalComposite(env map[string]float64, nils []string) (float64, bool, error) {
	if len(nils) == 0 {
		v, err := s.Composite.Eval(env)
		return v, false, err
	}
	withNils := make(map[string]any, len(env)+len(nils))
	for k, v := range env {
		withNils[k] = v
	}
	for _, n := range nils {
		withNils[n] = nil
	}
	v, isNil, err := s.Composite.EvalNilable(withNils)
	if err != nil {
		err = fmt.Errorf("%w; failing triggers read as nil: %s", err, strings.Join(nils, ", "))
	}
	return v, isNil, err
}

// compositeFallback is the composite served from the fallback.
func (s *ObjectState) compositeFallback(now time.Time, nils string) CompositeValue {
	return CompositeValue{Known: true, Value: float64(s.Fallback.Replicas) * s.Composite.Target,
		Active: s.Fallback.Replicas > 0, InFallback: true, Nils: nils, Observed: now}
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
	reason, nils                       string
}

func deriveComposite(s *ObjectState) compositeDerived {
	if s.Composite == nil {
		return compositeDerived{}
	}
	c := s.CompositeAt(s.UpdatedAt)
	return compositeDerived{known: c.Known, active: c.Active, inFallback: c.InFallback, waiting: c.Waiting, reason: c.Reason, nils: c.Nils}
}
