package activator

import (
	"context"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// pauseState is what the pause annotations ask for.
type pauseState struct {
	paused   bool
	replicas *int32
}

// parsePause reads the pause annotations. paused-replicas wins over paused;
// a value that does not parse is an InvalidAnnotation user error.
func parsePause(ann map[string]string) (pauseState, error) {
	if v, ok := ann[v1alpha1.AnnotationPausedReplicas]; ok {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 {
			return pauseState{}, &userError{ReasonInvalidAnnotation, fmt.Sprintf(
				"annotation %s must be a non-negative integer, got %q", v1alpha1.AnnotationPausedReplicas, v)}
		}
		r := int32(n)
		return pauseState{paused: true, replicas: &r}, nil
	}
	if v, ok := ann[v1alpha1.AnnotationPaused]; ok {
		p, err := strconv.ParseBool(v)
		if err != nil {
			return pauseState{}, &userError{ReasonInvalidAnnotation, fmt.Sprintf(
				"annotation %s must be \"true\" or \"false\", got %q", v1alpha1.AnnotationPaused, v)}
		}
		return pauseState{paused: p}, nil
	}
	return pauseState{}, nil
}

// reconcilePaused removes the owned HPA and, with paused-replicas, holds
// the target at N.
func (c *Controller) reconcilePaused(ctx context.Context, l listers, so *v1alpha1.ScaledObject, tgt *target, p pauseState, out *outcome) error {
	out.paused = true
	out.pausedReplicas = p.replicas
	out.hpaName = ""
	if err := c.deleteOwnedHPAs(ctx, l, so, ""); err != nil {
		return err
	}
	if p.replicas == nil || tgt.replicas() == *p.replicas {
		return nil
	}
	from := tgt.replicas()
	if err := c.scaleTo(ctx, so, tgt, *p.replicas, out); err != nil {
		return err
	}
	c.stats.observeScale("paused")
	c.cfg.Recorder.Eventf(so, corev1.EventTypeNormal, ReasonPausedReplicas,
		"Scaled %s %s from %d to %d as set by annotation %s", tgt.gvk.Kind, tgt.name, from, *p.replicas, v1alpha1.AnnotationPausedReplicas)
	return nil
}
