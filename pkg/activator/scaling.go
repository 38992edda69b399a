package activator

import (
	"context"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// scaleZeroOne moves the target between idle (0 or idleReplicaCount) and
// the HPA floor, and returns when to look again for a pending cooldown.
// With paused-scale-out it never scales up, with paused-scale-in never
// down, and with force-activation the object counts as active.
func (c *Controller) scaleZeroOne(ctx context.Context, so *v1alpha1.ScaledObject, tgt *target, ms metricSet, ann scalingAnnotations, out *outcome) (time.Duration, error) {
	floor := max(so.Spec.MinReplicas(), 1)
	idle, canIdle := idleReplicas(&so.Spec)
	current := tgt.replicas()
	active := so.Status.Condition(v1alpha1.ConditionActive)

	woke, err := wakeLeft(so, c.clock.Now())
	if err != nil {
		return 0, err
	}
	if woke > 0 && !ann.pauseOut {
		return c.scaleForWake(ctx, so, tgt, floor, idle, woke, out)
	}
	if ann.force || (active != nil && active.Status == metav1.ConditionTrue) {
		if (current == 0 || (so.Spec.IdleReplicaCount != nil && current == idle)) && !ann.pauseOut {
			return 0, c.activate(ctx, so, tgt, activationReplicas(so, floor), ann.force, out)
		}
		return 0, nil
	}
	if !canIdle && current == 0 {
		// Without scale to zero the HPA floor holds; the HPA itself is
		// disabled at 0, so bring the target up to the floor.
		if ann.pauseOut {
			return 0, nil
		}
		return 0, c.activate(ctx, so, tgt, floor, false, out)
	}
	if !canIdle || current != floor || current == idle || ann.pauseIn {
		return 0, nil // from n > floor the HPA's behaviour scales down first
	}
	if active == nil || active.Status != metav1.ConditionFalse {
		return 0, nil // unknown is not inactive
	}
	if len(ms.broken) > 0 {
		// A trigger left out of the HPA (invalid, or not reported by the
		// adapter yet) is unknown, not inactive.
		return 0, nil
	}
	if failingTriggers(so) != "" || conditionTrue(so, v1alpha1.ConditionFallback) {
		return 0, nil // never idle while a trigger fails or falls back
	}
	if wait := cooldownLeft(so, active, c.clock.Now()); wait > 0 {
		return wait, nil
	}
	if err := c.idleEvidence(ctx, so, ms); err != nil {
		c.log.Info("scale down postponed", zap.String("namespace", so.Namespace),
			zap.String("scaledObject", so.Name), zap.Error(err))
		return max(time.Duration(so.Spec.PollingIntervalSeconds())*time.Second, requeueFloor), nil
	}
	if err := c.scaleTo(ctx, so, tgt, idle, out); err != nil {
		return 0, err
	}
	c.stats.observeScale("down")
	c.cfg.Recorder.Eventf(so, corev1.EventTypeNormal, ReasonDeactivated,
		"Scaled %s %s from %d to %d: no trigger active for the cooldown period", tgt.gvk.Kind, tgt.name, current, idle)
	return 0, nil
}

// activate scales the target to floor and records which trigger, or the
// force-activation annotation, caused it.
func (c *Controller) activate(ctx context.Context, so *v1alpha1.ScaledObject, tgt *target, floor int32, forced bool, out *outcome) error {
	from := tgt.replicas()
	if err := c.scaleTo(ctx, so, tgt, floor, out); err != nil {
		return err
	}
	c.stats.observeScale("up")
	var names []string
	for i := range so.Status.Triggers {
		if so.Status.Triggers[i].Active {
			names = append(names, triggerLabel(&so.Status.Triggers[i]))
		}
	}
	why := "minReplicaCount is at least 1"
	if forced {
		why = "activation is forced by annotation " + v1alpha1.AnnotationForceActivation
	} else if len(names) > 0 {
		why = "active trigger " + strings.Join(names, ", ")
	} else if fallingBack(so) {
		why = "a trigger is failing and fallback.replicas is " + strconv.Itoa(int(so.Spec.Fallback.Replicas))
	} else if conditionTrue(so, v1alpha1.ConditionActive) {
		why = "the ScaledObject is active"
	} else if left, _ := wakeLeft(so, c.clock.Now()); left > 0 {
		why = "an HTTP request arrived (annotation " + v1alpha1.AnnotationHTTPWake + ")"
	}
	c.cfg.Recorder.Eventf(so, corev1.EventTypeNormal, ReasonActivated,
		"Scaled %s %s from %d to %d: %s", tgt.gvk.Kind, tgt.name, from, floor, why)
	return nil
}

// activationReplicas is where the target goes from 0 or idle: floor, or,
// while a trigger falls back, fallback.replicas when that is higher (capped
// at maxReplicaCount). From 0 every fallback behaviour holds
// fallback.replicas (see provider.FallbackReplicas), so the target goes
// there at once instead of stopping at the floor until the HPA's next sync.
func activationReplicas(so *v1alpha1.ScaledObject, floor int32) int32 {
	if !fallingBack(so) {
		return floor
	}
	return max(floor, min(so.Spec.Fallback.Replicas, so.Spec.MaxReplicas()))
}

// fallingBack reports whether the adapter says a trigger of so serves its
// fallback replica count.
func fallingBack(so *v1alpha1.ScaledObject) bool {
	fb := so.Spec.Fallback
	return fb != nil && fb.Behavior != v1alpha1.FallbackScalingModifiers && conditionTrue(so, v1alpha1.ConditionFallback)
}

// idleReplicas returns the replica count while inactive and whether the
// object may go there at all.
func idleReplicas(spec *v1alpha1.ScaledObjectSpec) (int32, bool) {
	if spec.IdleReplicaCount != nil {
		return *spec.IdleReplicaCount, true
	}
	return 0, spec.MinReplicas() == 0
}

// cooldownLeft is how long until the target may go idle: cooldownPeriod
// after Active turned False, or, for an object never active,
// initialCooldownPeriod after creation.
func cooldownLeft(so *v1alpha1.ScaledObject, active *v1alpha1.Condition, now time.Time) time.Duration {
	var deadline time.Time
	switch {
	case so.Status.LastActiveTime == nil:
		deadline = so.CreationTimestamp.Add(time.Duration(so.Spec.InitialCooldownPeriodSeconds()) * time.Second)
	case active.LastTransitionTime != nil:
		deadline = active.LastTransitionTime.Add(time.Duration(so.Spec.CooldownPeriodSeconds()) * time.Second)
	default:
		deadline = so.Status.LastActiveTime.Add(time.Duration(so.Spec.CooldownPeriodSeconds()) * time.Second)
	}
	return deadline.Sub(now)
}

// idleEvidence returns nil only on fresh evidence that so is idle: every
// external metric read back through the metrics API now, observed since
// Active turned False, at or below its activation threshold
// (activity.Idle). A stale Active=False never passes.
func (c *Controller) idleEvidence(ctx context.Context, so *v1alpha1.ScaledObject, ms metricSet) error {
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: so.Name})
	metrics := ms.idleMetrics()
	readings := make(map[string]activity.Reading, len(metrics))
	for _, name := range metrics {
		r, err := c.cfg.Metrics.ReadExternalMetric(ctx, so.Namespace, name, sel)
		if err != nil {
			return err
		}
		readings[name] = r
	}
	return activity.Idle(so, metrics, readings)
}

// conditionTrue reports whether the condition of type t is True.
func conditionTrue(so *v1alpha1.ScaledObject, t v1alpha1.ConditionType) bool {
	cond := so.Status.Condition(t)
	return cond != nil && cond.Status == metav1.ConditionTrue
}
