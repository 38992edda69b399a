package poll

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"
)

// Set adds or replaces the object at key. Triggers whose source is already
// polled keep their poller without a gap or an extra poll and immediately
// share its last value; a new source is polled at once (the jitter sets only
// the phase of the polls after the first); sources
// no longer referenced by any object are stopped and closed (see
// scalers.ClosingSource), as is a given Source that an equal, already
// polled one serves; Set then points that Trigger's Source at the polled
// one (when its type is comparable), so that the unused one can be
// collected. It fails, changing nothing, when spec is invalid.
func (e *Engine) Set(key Key, spec ObjectSpec) error {
	if err := validateSpec(spec); err != nil {
		return fmt.Errorf("set %s: %w", key, err)
	}
	spec.Triggers = slices.Clone(spec.Triggers)

	e.mu.Lock()
	defer e.unlock()
	o := e.objects[key]
	if o == nil {
		o = &object{key: key}
		e.objects[key] = o
	}
	old := o.trigs
	o.spec = spec
	trigs := make([]*trig, len(spec.Triggers))
	keep := make(map[labelSet]bool, len(spec.Triggers))
	for i, ts := range spec.Triggers {
		s := e.sources[ts.Trigger.Key]
		if s == nil {
			s = newSource(ts)
			e.sources[s.key] = s
		} else if !samePoller(ts.Trigger.Source, s.poller) {
			e.closeLocked(ts.Trigger.Source) // never polled: the shared poller serves it
			if reflect.TypeOf(s.poller).Comparable() {
				// Let it go: with thousands of objects on one source, each
				// unused copy (an HTTP client, a parsed URL, headers) stayed
				// reachable through the caller's Trigger.
				ts.Trigger.Source = s.poller
			}
		}
		s.subs[o]++
		ls := newLabelSet(key, ts)
		keep[ls] = true
		trigs[i] = &trig{spec: ts, src: s, m: e.metrics.forTrigger(ls)}
		e.addName(ts.MetricName, 1)
	}
	for _, t := range old {
		e.unsubscribeLocked(o, t, keep)
	}
	o.trigs = trigs
	for _, t := range trigs {
		e.retuneLocked(t.src)
		e.startLocked(t.src)
	}
	if e.rebuildLocked(o, e.clock.Now()) {
		e.notes.mark(key)
	}
	e.updateGaugesLocked()
	return nil
}

// Delete removes the object at key, stops and closes the sources only it
// used and deletes its metric label sets. Deleting an unknown key does nothing.
func (e *Engine) Delete(key Key) {
	e.mu.Lock()
	defer e.unlock()
	o := e.objects[key]
	if o == nil {
		return
	}
	delete(e.objects, key)
	for _, t := range o.trigs {
		e.unsubscribeLocked(o, t, nil)
	}
	o.trigs = nil
	e.metrics.keda.deleteObject(key)
	e.notes.mark(key)
	e.updateGaugesLocked()
}

// unsubscribeLocked drops t of o from its source, stopping or retuning the
// source, and deletes t's label sets unless keep holds them.
func (e *Engine) unsubscribeLocked(o *object, t *trig, keep map[labelSet]bool) {
	s := t.src
	if s.subs[o]--; s.subs[o] <= 0 {
		delete(s.subs, o)
	}
	e.metrics.delete(newLabelSet(o.key, t.spec), keep)
	e.addName(t.spec.MetricName, -1)
	if len(s.subs) == 0 {
		e.dropLocked(s)
		return
	}
	e.retuneLocked(s)
}

// retuneLocked sets s's interval to the shortest among its objects and
// moves its next poll when it changed.
func (e *Engine) retuneLocked(s *source) {
	var iv time.Duration
	for o := range s.subs {
		if p := o.pendingInterval(s); p > 0 && (iv == 0 || p < iv) {
			iv = p
		}
	}
	if iv > 0 && iv != s.interval {
		s.interval = iv
		e.rescheduleLocked(s)
	}
}

// pendingInterval is o's interval if o uses s, else 0. During Set o.trigs
// lags behind, so the subscription count decides.
func (o *object) pendingInterval(s *source) time.Duration {
	if s.subs[o] > 0 && o.spec.PollingInterval > 0 {
		return o.spec.PollingInterval
	}
	return 0
}

func (e *Engine) addName(name string, delta int) {
	if e.metricRefs[name] += delta; e.metricRefs[name] <= 0 {
		delete(e.metricRefs, name)
	}
	e.names.Store(nil)
}

func (e *Engine) updateGaugesLocked() {
	e.metrics.sources.Set(float64(len(e.sources)))
	e.metrics.objects.Set(float64(len(e.objects)))
}

func validateSpec(spec ObjectSpec) error {
	var errs []error
	if spec.PollingInterval <= 0 {
		errs = append(errs, errors.New("polling interval must be positive"))
	}
	seen := make(map[string]bool, len(spec.Triggers))
	for i, t := range spec.Triggers {
		switch {
		case t.Trigger == nil || t.Trigger.Source == nil:
			errs = append(errs, fmt.Errorf("trigger %d has no source", i))
		case t.Trigger.Key == "":
			errs = append(errs, fmt.Errorf("trigger %d has an empty key", i))
		case t.MetricName == "":
			errs = append(errs, fmt.Errorf("trigger %d has no metric name", i))
		case seen[t.MetricName]:
			errs = append(errs, fmt.Errorf("trigger %d repeats metric name %q", i, t.MetricName))
		}
		seen[t.MetricName] = true
	}
	return errors.Join(errs...)
}
