package activator

import (
	"time"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// adapterGrace is how long the activator's first reconcile of a new
// ScaledObject waits for the adapter's first report of its triggers. The
// HPA's external metrics come from that report (status.triggers), so a
// reconcile before it can only read /scale and record WaitingForAdapter
// (a status apply and a Warning Event), and then do it all again when the
// report arrives. The report's own watch event ends the wait early; after
// the grace the object is reconciled anyway, so an adapter that is not
// running still shows as WaitingForAdapter.
const adapterGrace = 30 * time.Second

// While the adapter is still taking new objects in when an object's grace
// ends (it made a first report of some object in the last adapterProgress),
// the object is behind a backlog, not forgotten: it waits on, adapterProgress
// at a time, up to adapterGraceMax after its creation. With 10,000 objects
// created at once the adapter's last first reports came 43 s after the last
// create, and the objects past the grace were taken in twice (a /scale
// read, a status apply and a Warning Event more each). An adapter that
// stops reporting still shows as WaitingForAdapter adapterProgress after
// its last report.
const (
	adapterProgress = 10 * time.Second
	adapterGraceMax = 2 * time.Minute
)

// firstReport reports whether the update from o to n is the adapter's
// first report of an object: the Active condition appears.
func firstReport(o, n *v1alpha1.ScaledObject) bool {
	return o.Status.Condition(v1alpha1.ConditionActive) == nil && n.Status.Condition(v1alpha1.ConditionActive) != nil
}

// awaitAdapter returns how much longer the first reconcile of so should
// wait for the adapter, or 0 to go ahead; lastReport is when the adapter
// last made a first report of any object. Only a new object waits, one
// that neither program has written status to yet, whose triggers are all
// the adapter's to report, and for which nothing could be done without
// that report: it may stay at zero replicas while activity is unknown, and
// no annotation asks for a pause, a forced activation or a wake.
func awaitAdapter(so *v1alpha1.ScaledObject, now, lastReport time.Time) time.Duration {
	st := &so.Status
	if st.Condition(v1alpha1.ConditionReady) != nil || st.HPAName != "" ||
		len(st.Triggers) > 0 || st.Condition(v1alpha1.ConditionActive) != nil {
		return 0
	}
	if len(so.Spec.Triggers) == 0 {
		return 0
	}
	for _, t := range so.Spec.Triggers {
		if isResourceTrigger(t.Type) {
			return 0
		}
	}
	if _, canIdle := idleReplicas(&so.Spec); !canIdle {
		return 0 // the floor is brought up without waiting for activity
	}
	for _, a := range []string{v1alpha1.AnnotationPaused, v1alpha1.AnnotationPausedReplicas,
		v1alpha1.AnnotationForceActivation, v1alpha1.AnnotationHTTPWake} {
		if _, ok := so.Annotations[a]; ok {
			return 0
		}
	}
	if so.CreationTimestamp.IsZero() {
		return 0
	}
	if wait := so.CreationTimestamp.Add(adapterGrace).Sub(now); wait > 0 {
		return wait
	}
	if now.Sub(lastReport) < adapterProgress && now.Before(so.CreationTimestamp.Add(adapterGraceMax)) {
		return min(adapterProgress, so.CreationTimestamp.Add(adapterGraceMax).Sub(now))
	}
	return 0
}

// graceKeySuffix marks the queue key that ends an object's wait for the
// adapter; no ScaledObject name contains '#'.
const graceKeySuffix = "#adapter-grace"

// waitForAdapter leaves the object of key alone until the adapter's report
// queues it, or for wait at most. The key queued after wait is marked, so
// that an object reconciled meanwhile is not reconciled again (one /scale
// GET) when the grace ends.
func (c *Controller) waitForAdapter(key string, wait time.Duration) {
	if _, already := c.waiting.LoadOrStore(key, struct{}{}); !already {
		c.currentQueue().AddAfter(key+graceKeySuffix, wait)
	}
}
