package activator

import (
	"context"
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedaac "github.com/sluice-dev/sluice/pkg/client/applyconfiguration/keda/v1alpha1"
)

// wantsRestore reports whether the object asks for its target's original
// replica count back on deletion.
func wantsRestore(so *v1alpha1.ScaledObject) bool {
	return so.Spec.Advanced != nil && so.Spec.Advanced.RestoreToOriginalReplicaCount
}

// ensureFinalizer adds the restore finalizer when the option is on and
// releases it when the option was turned off; it writes only on change.
func (c *Controller) ensureFinalizer(ctx context.Context, so *v1alpha1.ScaledObject) error {
	want := wantsRestore(so)
	if want == slices.Contains(so.Finalizers, FinalizerRestoreReplicas) {
		return nil
	}
	return c.applyFinalizer(ctx, so, want)
}

// applyFinalizer applies metadata.finalizers with or without the restore
// finalizer; the activator owns no other field of the main resource.
func (c *Controller) applyFinalizer(ctx context.Context, so *v1alpha1.ScaledObject, present bool) error {
	ac := kedaac.ScaledObject(so.Name, so.Namespace)
	if present {
		ac.WithFinalizers(FinalizerRestoreReplicas)
	}
	_, err := c.cfg.Sluice.KedaV1alpha1().ScaledObjects(so.Namespace).Apply(ctx, ac,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		return fmt.Errorf("apply finalizer: %w", err)
	}
	return nil
}

// finalize runs for an object being deleted that still carries the
// restore finalizer: it deletes the owned HPA first (so that it cannot
// scale the target again before garbage collection), sets the target back
// to status.originalReplicaCount, then releases the finalizer.
func (c *Controller) finalize(ctx context.Context, l listers, so *v1alpha1.ScaledObject) error {
	if !slices.Contains(so.Finalizers, FinalizerRestoreReplicas) {
		return nil
	}
	if err := c.deleteOwnedHPAs(ctx, l, so, ""); err != nil {
		return err
	}
	if orig := so.Status.OriginalReplicaCount; orig != nil && wantsRestore(so) {
		if err := c.restore(ctx, so, *orig); err != nil {
			return err
		}
	}
	return c.applyFinalizer(ctx, so, false)
}

// restore sets the target to n; a target that is gone or cannot be
// resolved any more has nothing to restore.
func (c *Controller) restore(ctx context.Context, so *v1alpha1.ScaledObject, n int32) error {
	tgt, err := c.resolveTarget(ctx, so)
	var ue *userError
	if errors.As(err, &ue) {
		return nil
	}
	if err != nil {
		return err
	}
	if tgt.replicas() == n {
		return nil
	}
	from := tgt.replicas()
	if err := c.setReplicas(ctx, so.Namespace, tgt, n); err != nil {
		return err
	}
	c.cfg.Recorder.Eventf(so, corev1.EventTypeNormal, ReasonRestoredReplicas,
		"Scaled %s %s from %d back to its original %d replicas", tgt.gvk.Kind, tgt.name, from, n)
	return nil
}
