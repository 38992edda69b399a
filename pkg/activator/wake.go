package activator

import (
	"context"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// minWakeWindow is the shortest time a wake stamp counts as activity, so
// that a stamp wakes an object even with cooldownPeriod 0.
const minWakeWindow = 10 * time.Second

// wakeLeft returns how long the sluice.dev/http-wake stamp (written by
// sluice-http when a request for the app arrives) keeps so active: a
// request is activity, so the object stays active for cooldownPeriod (at
// least minWakeWindow) after the stamp. It is 0 when there is no stamp or
// it has expired; a stamp in the future (clock skew) counts as now. A stamp
// that does not parse is an InvalidAnnotation user error.
func wakeLeft(so *v1alpha1.ScaledObject, now time.Time) (time.Duration, error) {
	v, ok := so.Annotations[v1alpha1.AnnotationHTTPWake]
	if !ok {
		return 0, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return 0, &userError{ReasonInvalidAnnotation, fmt.Sprintf(
			"annotation %s must be an RFC 3339 time, got %q", v1alpha1.AnnotationHTTPWake, v)}
	}
	window := max(time.Duration(so.Spec.CooldownPeriodSeconds())*time.Second, minWakeWindow)
	return max(min(t.Add(window).Sub(now), window), 0), nil
}

// scaleForWake brings a target at idle up to floor while a wake stamp is
// fresh, and asks to look again when the stamp expires.
func (c *Controller) scaleForWake(ctx context.Context, so *v1alpha1.ScaledObject, tgt *target, floor, idle int32, left time.Duration, out *outcome) (time.Duration, error) {
	current := tgt.replicas()
	if current == 0 || (so.Spec.IdleReplicaCount != nil && current == idle) {
		return left, c.activate(ctx, so, tgt, activationReplicas(so, floor), false, out)
	}
	return left, nil
}
