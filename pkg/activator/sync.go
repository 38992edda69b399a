package activator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// target is a resolved scale target and its /scale as last read.
type target struct {
	gvk   schema.GroupVersionKind
	gvr   schema.GroupVersionResource
	name  string
	scale *autoscalingv1.Scale
}

// replicas returns the target's spec.replicas.
func (t *target) replicas() int32 { return t.scale.Spec.Replicas }

// outcome collects what one reconcile decided about the fields the
// activator owns in the ScaledObject's status.
type outcome struct {
	target         *target
	original       *int32
	hpaName        string
	external       []string
	resource       []string
	composite      string
	pausedReplicas *int32
	paused         bool
	readyReason    string
	readyMessage   string
	requeue        time.Duration
	// written is the status this reconcile already applied, if any.
	written *v1alpha1.ScaledObjectStatus
}

// notReady records the first reason the object is not ready; later ones
// are dropped so the most fundamental problem is reported.
func (o *outcome) notReady(reason, format string, args ...any) {
	if o.readyReason != "" && o.readyReason != ReasonReady {
		return
	}
	o.readyReason, o.readyMessage = reason, fmt.Sprintf(format, args...)
}

// userError is a problem the user must fix; it becomes Ready=False.
type userError struct{ reason, message string }

// Error implements error.
func (e *userError) Error() string { return e.reason + ": " + e.message }

// sync reconciles the ScaledObject named by key and returns when to look at
// it again (0: only on the next event).
func (c *Controller) sync(ctx context.Context, key string) (time.Duration, error) {
	key, graceOver := strings.CutSuffix(key, graceKeySuffix)
	if _, still := c.waiting.LoadAndDelete(key); graceOver && !still {
		return 0, nil // reconciled since, when the adapter's report came
	}
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil // a malformed key never becomes well-formed
	}
	l, ok := c.lookup(ns)
	if !ok {
		return 0, nil
	}
	so, err := l.scaledObjects.ScaledObjects(ns).Get(name)
	if apierrors.IsNotFound(err) {
		c.stats.forget(ns, name)
		c.statusWrites.forget(key)
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("get scaledobject: %w", err)
	}
	if so.DeletionTimestamp != nil {
		return 0, c.finalize(ctx, l, so)
	}
	if err := c.ensureFinalizer(ctx, so); err != nil {
		return 0, err
	}
	if wait := awaitAdapter(so, c.clock.Now(), time.Unix(0, c.lastReport.Load())); wait > 0 {
		c.waitForAdapter(key, wait)
		return 0, nil
	}
	// Metric names carry over while a later step stops the chain, so that
	// they keep describing the HPA that is still in place.
	out := &outcome{
		original:    so.Status.OriginalReplicaCount,
		external:    so.Status.ExternalMetricNames,
		resource:    so.Status.ResourceMetricNames,
		readyReason: ReasonReady,
	}
	if hpa, err := ownedHPA(l, so); err == nil && hpa != nil {
		out.hpaName = hpa.Name
	}
	if err := c.reconcile(ctx, l, so, out); err != nil {
		return 0, err
	}
	if err := c.applyStatus(ctx, so, out); err != nil {
		return 0, err
	}
	c.stats.observePaused(so.Namespace, so.Name, out.paused)
	return out.requeue, nil
}

// reconcile runs the rules in order; a user error stops the chain and is
// reported through Ready, a transient error is returned.
func (c *Controller) reconcile(ctx context.Context, l listers, so *v1alpha1.ScaledObject, out *outcome) error {
	err := c.reconcileSteps(ctx, l, so, out)
	var ue *userError
	if errors.As(err, &ue) {
		out.notReady(ue.reason, "%s", ue.message)
		if ue.reason == ReasonTargetNotFound {
			// No watch tells the activator that the target appeared (a
			// Deployment applied together with its ScaledObject, a CRD
			// installed later), so it looks again.
			out.requeue = max(time.Duration(so.Spec.PollingIntervalSeconds())*time.Second, requeueFloor)
		}
		return nil
	}
	return err
}

func (c *Controller) reconcileSteps(ctx context.Context, l listers, so *v1alpha1.ScaledObject, out *outcome) error {
	tgt, err := c.resolveTarget(ctx, so)
	if err != nil {
		return err
	}
	out.target = tgt
	if out.original == nil {
		r := tgt.replicas()
		out.original = &r
	}
	if err := duplicateTarget(l, so); err != nil {
		return err
	}
	pause, err := parsePause(so.Annotations)
	if err != nil {
		return err
	}
	if pause.paused {
		return c.reconcilePaused(ctx, l, so, tgt, pause, out)
	}
	ann, err := parseScalingAnnotations(so.Annotations)
	if err != nil {
		return err
	}
	if err := hpaConflict(l, so, tgt); err != nil {
		return err
	}
	if err := checkHPAName(so); err != nil {
		return err
	}
	ms, err := desiredMetrics(so)
	if err != nil {
		return err
	}
	out.external, out.resource, out.composite = ms.external, ms.resource, ms.compositeName()
	if err := c.applyHPA(ctx, l, so, tgt, ms, ann); err != nil {
		return err
	}
	out.hpaName = so.HPAName()
	if len(ms.broken) > 0 {
		out.notReady(ms.broken[0].reason, "%s", ms.brokenMessage())
	}
	if failing := failingTriggers(so); failing != "" && !conditionTrue(so, v1alpha1.ConditionFallback) {
		out.notReady(ReasonTriggerFailing, "trigger %s is failing; see status.triggers for the error", failing)
	}
	after, err := c.scaleZeroOne(ctx, so, tgt, ms, ann, out)
	out.requeue = after
	return err
}

// resolveTarget maps the scaleTargetRef to a resource and reads its /scale.
func (c *Controller) resolveTarget(ctx context.Context, so *v1alpha1.ScaledObject) (*target, error) {
	ref := so.Spec.ScaleTargetRef
	if ref == nil {
		return nil, &userError{ReasonTargetNotFound, "spec.scaleTargetRef is not set"}
	}
	gvk, gvr, err := c.cfg.Resolver.Resolve(ctx, ref.APIVersion, ref.Kind)
	switch {
	case errors.Is(err, ErrUnknownKind):
		return nil, &userError{ReasonTargetNotFound, fmt.Sprintf("the API server serves no kind %s in %s; check scaleTargetRef.apiVersion and kind", gvk.Kind, gvk.GroupVersion())}
	case errors.Is(err, ErrNoScaleSubresource):
		return nil, &userError{ReasonTargetHasNoScale, fmt.Sprintf("%s has no /scale subresource, so it cannot be scaled", gvr.GroupResource())}
	case err != nil:
		return nil, fmt.Errorf("resolve scale target: %w", err)
	}
	sc, err := c.cfg.Scales.Scales(so.Namespace).Get(ctx, gvr.GroupResource(), ref.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &userError{ReasonTargetNotFound, fmt.Sprintf("%s %q not found in namespace %s", gvk.Kind, ref.Name, so.Namespace)}
	}
	if err != nil {
		return nil, fmt.Errorf("get scale: %w", err)
	}
	return &target{gvk: gvk, gvr: gvr, name: ref.Name, scale: sc}, nil
}

// setReplicas writes n to the target's /scale, guarded by the
// resourceVersion read in resolveTarget.
func (c *Controller) setReplicas(ctx context.Context, ns string, tgt *target, n int32) error {
	sc := tgt.scale.DeepCopy()
	sc.Spec.Replicas = n
	updated, err := c.cfg.Scales.Scales(ns).Update(ctx, tgt.gvr.GroupResource(), sc, metav1.UpdateOptions{FieldManager: FieldManager})
	if err != nil {
		return fmt.Errorf("update scale: %w", err)
	}
	tgt.scale = updated
	return nil
}

// scaleTo sets the target's replicas on behalf of a running reconcile. The
// first time the object scales its target, the original replica count is
// written to the status before the target changes, so that a failure in
// between cannot record the scaled count as the original.
func (c *Controller) scaleTo(ctx context.Context, so *v1alpha1.ScaledObject, tgt *target, n int32, out *outcome) error {
	if so.Status.OriginalReplicaCount == nil && out.written == nil {
		if err := c.applyStatus(ctx, so, out); err != nil {
			return err
		}
	}
	return c.setReplicas(ctx, so.Namespace, tgt, n)
}

// checkHPAName refuses an HPA name the API server would refuse on every
// apply: keda-hpa-<name> of a long ScaledObject name, or an invalid
// advanced.horizontalPodAutoscalerConfig.name.
func checkHPAName(so *v1alpha1.ScaledObject) error {
	name := so.HPAName()
	errs := validation.IsDNS1123Subdomain(name)
	if len(errs) == 0 {
		return nil
	}
	field := "advanced.horizontalPodAutoscalerConfig.name"
	if a := so.Spec.Advanced; a == nil || a.HorizontalPodAutoscalerConfig == nil || a.HorizontalPodAutoscalerConfig.Name == "" {
		field = "the ScaledObject's name (the HPA is keda-hpa-<name>); set advanced.horizontalPodAutoscalerConfig.name"
	}
	if len(name) > 80 {
		name = name[:80] + "…"
	}
	return &userError{ReasonInvalidHPAName, fmt.Sprintf("HPA name %q is invalid (%s): fix %s", name, errs[0], field)}
}
