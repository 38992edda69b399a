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

// awaitAdapter returns how much longer the first reconcile of so should
// wait for the adapter, or 0 to go ahead. Only a new object waits, one
// that neither program has written status to yet, whose triggers are all
// the adapter's to report, and for which nothing could be done without
// that report: it may stay at zero replicas while activity is unknown, and
// no annotation asks for a pause, a forced activation or a wake.
func awaitAdapter(so *v1alpha1.ScaledObject, now time.Time) time.Duration {
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
	return max(so.CreationTimestamp.Add(adapterGrace).Sub(now), 0)
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
