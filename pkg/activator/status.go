package activator

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedaac "github.com/sluice-dev/sluice/pkg/client/applyconfiguration/keda/v1alpha1"
)

// ownedStatus projects a status onto the fields the activator owns.
func ownedStatus(s *v1alpha1.ScaledObjectStatus) v1alpha1.ScaledObjectStatus {
	out := v1alpha1.ScaledObjectStatus{
		ScaleTargetKind:      s.ScaleTargetKind,
		ScaleTargetGVKR:      s.ScaleTargetGVKR,
		OriginalReplicaCount: s.OriginalReplicaCount,
		ExternalMetricNames:  s.ExternalMetricNames,
		ResourceMetricNames:  s.ResourceMetricNames,
		CompositeScalerName:  s.CompositeScalerName,
		HPAName:              s.HPAName,
		PausedReplicaCount:   s.PausedReplicaCount,
	}
	for _, t := range []v1alpha1.ConditionType{v1alpha1.ConditionReady, v1alpha1.ConditionPaused} {
		if cond := s.Condition(t); cond != nil {
			out.Conditions = append(out.Conditions, *cond)
		}
	}
	return out
}

// desiredStatus is what the activator's fields should be after this
// reconcile; condition transition times carry over from prev, the
// activator's fields as last known, while a status holds.
func (c *Controller) desiredStatus(prev *v1alpha1.ScaledObjectStatus, out *outcome) v1alpha1.ScaledObjectStatus {
	s := v1alpha1.ScaledObjectStatus{
		OriginalReplicaCount: out.original,
		ExternalMetricNames:  out.external,
		ResourceMetricNames:  out.resource,
		CompositeScalerName:  out.composite,
		HPAName:              out.hpaName,
		PausedReplicaCount:   out.pausedReplicas,
	}
	if t := out.target; t != nil {
		s.ScaleTargetKind = t.gvk.GroupVersion().String() + "." + t.gvk.Kind
		s.ScaleTargetGVKR = &v1alpha1.GroupVersionKindResource{
			Group: t.gvk.Group, Version: t.gvk.Version, Kind: t.gvk.Kind, Resource: t.gvr.Resource,
		}
	}
	ready := v1alpha1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: ReasonReady,
		Message: "the target resolves, the HPA is in place and every trigger is healthy"}
	if out.readyReason != ReasonReady {
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, out.readyReason, out.readyMessage
	} else if out.paused {
		ready.Message = "scaling is paused by annotation"
	}
	paused := v1alpha1.Condition{Type: v1alpha1.ConditionPaused, Status: metav1.ConditionFalse, Reason: ReasonNotPaused,
		Message: "no pause annotation is set"}
	if out.paused {
		paused.Status, paused.Reason, paused.Message = metav1.ConditionTrue, ReasonPaused, pausedMessage(out.pausedReplicas)
	}
	now := metav1.NewTime(c.clock.Now())
	for _, cond := range []v1alpha1.Condition{ready, paused} {
		cond.LastTransitionTime = &now
		if old := prev.Condition(cond.Type); old != nil && old.Status == cond.Status && old.LastTransitionTime != nil {
			cond.LastTransitionTime = old.LastTransitionTime
		}
		s.Conditions = append(s.Conditions, cond)
	}
	return s
}

// pausedMessage explains the Paused condition.
func pausedMessage(replicas *int32) string {
	if replicas != nil {
		return fmt.Sprintf("the target is held at %d replicas by annotation %s", *replicas, v1alpha1.AnnotationPausedReplicas)
	}
	return fmt.Sprintf("scaling is stopped by annotation %s", v1alpha1.AnnotationPaused)
}

// applyStatus writes the activator's status fields when they differ from
// the observed ones, and raises a Warning Event when Ready turns False or
// changes reason while False. Observed is what the cache holds, or this
// controller's own last write while the cache has not seen it yet.
func (c *Controller) applyStatus(ctx context.Context, so *v1alpha1.ScaledObject, out *outcome) error {
	key := so.Namespace + "/" + so.Name
	observed := ownedStatus(&so.Status)
	if out.written != nil {
		observed = *out.written // the cache has not seen this reconcile's write yet
	} else if w, ok := c.statusWrites.pending(key, so.UID, so.ResourceVersion); ok {
		observed = w // nor an earlier reconcile's
	}
	desired := c.desiredStatus(&observed, out)
	if equality.Semantic.DeepEqual(desired, observed) {
		return nil
	}
	ac := kedaac.ScaledObject(so.Name, so.Namespace).WithStatus(statusConfig(&desired))
	applied, err := c.cfg.Sluice.KedaV1alpha1().ScaledObjects(so.Namespace).ApplyStatus(ctx, ac,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("apply status: %w", err)
	}
	c.statusWrites.record(key, so.UID, applied.ResourceVersion, desired)
	out.written = &desired
	ready := desired.Condition(v1alpha1.ConditionReady)
	if old := observed.Condition(v1alpha1.ConditionReady); ready.Status == metav1.ConditionFalse &&
		(old == nil || old.Status != ready.Status || old.Reason != ready.Reason) {
		c.cfg.Recorder.Event(so, corev1.EventTypeWarning, ready.Reason, ready.Message)
	}
	return nil
}

// statusConfig converts the activator's part of the status to an apply
// configuration; fields left out are released (and so removed).
func statusConfig(s *v1alpha1.ScaledObjectStatus) *kedaac.ScaledObjectStatusApplyConfiguration {
	ac := kedaac.ScaledObjectStatus()
	if s.ScaleTargetKind != "" {
		ac.WithScaleTargetKind(s.ScaleTargetKind)
	}
	if g := s.ScaleTargetGVKR; g != nil {
		ac.WithScaleTargetGVKR(kedaac.GroupVersionKindResource().
			WithGroup(g.Group).WithVersion(g.Version).WithKind(g.Kind).WithResource(g.Resource))
	}
	if s.OriginalReplicaCount != nil {
		ac.WithOriginalReplicaCount(*s.OriginalReplicaCount)
	}
	if len(s.ExternalMetricNames) > 0 {
		ac.WithExternalMetricNames(slices.Clone(s.ExternalMetricNames)...)
	}
	if len(s.ResourceMetricNames) > 0 {
		ac.WithResourceMetricNames(slices.Clone(s.ResourceMetricNames)...)
	}
	if s.HPAName != "" {
		ac.WithHPAName(s.HPAName)
	}
	if s.CompositeScalerName != "" {
		ac.WithCompositeScalerName(s.CompositeScalerName)
	}
	if s.PausedReplicaCount != nil {
		ac.WithPausedReplicaCount(*s.PausedReplicaCount)
	}
	for _, cond := range s.Conditions {
		ac.WithConditions(kedaac.Condition().WithType(cond.Type).WithStatus(cond.Status).
			WithReason(cond.Reason).WithMessage(cond.Message).WithLastTransitionTime(*cond.LastTransitionTime))
	}
	return ac
}
