package poll

import "time"

// rebuildLocked replaces o's snapshot with one built from its spec and its
// sources' results at now, and reports whether the derived state changed.
// e.mu is held.
func (e *Engine) rebuildLocked(o *object, now time.Time) bool {
	st := &ObjectState{
		Key:             o.key,
		PollingInterval: o.spec.PollingInterval,
		Fallback:        o.spec.Fallback,
		Composite:       o.spec.Composite,
		Triggers:        make([]TriggerState, len(o.trigs)),
		UpdatedAt:       now,
	}
	staleAfter := time.Duration(e.opts.StaleAfterIntervals) * o.spec.PollingInterval
	for i, t := range o.trigs {
		s, tr := t.src, t.spec.Trigger
		ts := &st.Triggers[i]
		*ts = TriggerState{
			Index:               t.spec.Index,
			Name:                t.spec.Name,
			Type:                t.spec.Type,
			MetricName:          t.spec.MetricName,
			ValueTarget:         t.spec.ValueTarget,
			Target:              tr.Target,
			ActivationTarget:    tr.ActivationTarget,
			Warning:             tr.Warning,
			Polled:              s.polled,
			Value:               s.value,
			Active:              s.succeeded && s.activity > tr.ActivationTarget,
			LastSuccess:         s.lastSuccess,
			ConsecutiveFailures: s.failures,
			LastError:           s.lastErr,
			FreshUntil:          s.freshUntil(staleAfter),
			FirstPoll:           s.firstPoll,
		}
		ts.Healthy = ts.Fresh(now)
		ts.InFallback = st.FallbackDue(ts, now)
	}
	old := o.snap
	o.snap = st
	return old == nil || !sameDerived(old, st)
}

// sameDerived reports whether a and b agree on everything a status writer
// publishes.
func sameDerived(a, b *ObjectState) bool {
	if len(a.Triggers) != len(b.Triggers) || a.Composite != b.Composite || deriveComposite(a) != deriveComposite(b) {
		return false
	}
	for i := range a.Triggers {
		if derive(&a.Triggers[i]) != derive(&b.Triggers[i]) {
			return false
		}
	}
	return true
}

type derived struct {
	index                                 int
	name, typ, metric, warning, lastError string
	polled, active, healthy, inFallback   bool
}

func derive(t *TriggerState) derived {
	return derived{
		index: t.Index, name: t.Name, typ: t.Type, metric: t.MetricName,
		warning: t.Warning, lastError: t.LastError,
		polled: t.Polled, active: t.Active, healthy: t.Healthy, inFallback: t.InFallback,
	}
}
