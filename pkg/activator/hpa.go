package activator

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// desiredHPA is the complete HPA the object should own: the object's
// labels except those hpa-excluded-labels names, Sluice's own labels
// (managed-by, and LabelFallbackReadsReplicas when the fallback reads the
// replica count, so that sluice-adapter watches this HPA), and the user's
// behavior with the paused directions disabled.
func desiredHPA(so *v1alpha1.ScaledObject, tgt *target, ms metricSet, ann scalingAnnotations) (*autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration, error) {
	labels := maps.Clone(so.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.DeleteFunc(labels, func(k, _ string) bool { return ann.excluded[k] })
	labels[LabelManagedBy] = ManagedByValue
	delete(labels, v1alpha1.LabelFallbackReadsReplicas)
	if so.Spec.FallbackReadsReplicas() {
		labels[v1alpha1.LabelFallbackReadsReplicas] = "true"
	}
	ref := metav1.NewControllerRef(so, v1alpha1.SchemeGroupVersion.WithKind("ScaledObject"))
	spec := autoscalingv2ac.HorizontalPodAutoscalerSpec().
		WithScaleTargetRef(autoscalingv2ac.CrossVersionObjectReference().
			WithAPIVersion(tgt.gvk.GroupVersion().String()).
			WithKind(tgt.gvk.Kind).
			WithName(tgt.name)).
		WithMinReplicas(max(so.Spec.MinReplicas(), 1)).
		WithMaxReplicas(so.Spec.MaxReplicas()).
		WithMetrics(ms.specs...)
	var behavior *autoscalingv2.HorizontalPodAutoscalerBehavior
	if a := so.Spec.Advanced; a != nil && a.HorizontalPodAutoscalerConfig != nil {
		behavior = a.HorizontalPodAutoscalerConfig.Behavior
	}
	if behavior = ann.withPausedDirections(behavior); behavior != nil {
		b, err := behaviorConfig(behavior)
		if err != nil {
			return nil, err
		}
		spec.WithBehavior(b)
	}
	return autoscalingv2ac.HorizontalPodAutoscaler(so.HPAName(), so.Namespace).
		WithLabels(labels).
		WithOwnerReferences(metav1ac.OwnerReference().
			WithAPIVersion(ref.APIVersion).WithKind(ref.Kind).WithName(ref.Name).WithUID(ref.UID).
			WithController(*ref.Controller).WithBlockOwnerDeletion(*ref.BlockOwnerDeletion)).
		WithSpec(spec), nil
}

// behaviorConfig converts the typed behavior to its apply configuration;
// both share one JSON shape.
func behaviorConfig(b *autoscalingv2.HorizontalPodAutoscalerBehavior) (*autoscalingv2ac.HorizontalPodAutoscalerBehaviorApplyConfiguration, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode hpa behavior: %w", err)
	}
	out := &autoscalingv2ac.HorizontalPodAutoscalerBehaviorApplyConfiguration{}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("decode hpa behavior: %w", err)
	}
	return out, nil
}

// applyHPA applies the desired HPA unless the fields this field manager
// owns on the cached HPA already equal it. An edit by anyone else moves
// field ownership away from the activator, so the extracted configuration
// differs and the HPA is put back.
func (c *Controller) applyHPA(ctx context.Context, l listers, so *v1alpha1.ScaledObject, tgt *target, ms metricSet, ann scalingAnnotations) error {
	desired, err := desiredHPA(so, tgt, ms, ann)
	if err != nil {
		return err
	}
	if err := c.deleteOwnedHPAs(ctx, l, so, so.HPAName()); err != nil {
		return err
	}
	if c.hpaUpToDate(l, so, desired) {
		return nil
	}
	key := so.Namespace + "/" + so.HPAName()
	c.hpaWrites.begin(key, so.UID, desired)
	applied, err := c.cfg.Kube.AutoscalingV2().HorizontalPodAutoscalers(so.Namespace).Apply(ctx, desired,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		c.hpaWrites.forget(key)
		return fmt.Errorf("apply hpa: %w", err)
	}
	c.hpaWrites.record(key, so.UID, applied.ResourceVersion, desired)
	c.log.Debug("hpa applied", zap.String("namespace", so.Namespace), zap.String("hpa", so.HPAName()))
	return nil
}

// hpaUpToDate reports whether the fields this field manager owns on the
// HPA already equal desired: on the cached HPA, or, while the cache has not
// seen it yet, in this controller's own last apply.
func (c *Controller) hpaUpToDate(l listers, so *v1alpha1.ScaledObject, desired *autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration) bool {
	current, err := l.hpas.HorizontalPodAutoscalers(so.Namespace).Get(so.HPAName())
	cachedRV := ""
	switch {
	case err == nil && metav1.IsControlledBy(current, so):
		cachedRV = current.ResourceVersion
	case err == nil:
		return false // someone else's HPA of that name: take it over
	case !apierrors.IsNotFound(err):
		return false
	}
	if last, ok := c.hpaWrites.pending(so.Namespace+"/"+so.HPAName(), so.UID, cachedRV); ok {
		return equality.Semantic.DeepEqual(last, desired)
	}
	if current == nil {
		return false
	}
	owned, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(current, FieldManager)
	return err == nil && equality.Semantic.DeepEqual(owned, desired)
}

// deleteOwnedHPAs deletes every HPA the object controls except the one
// named keep: all of them while paused, and the old one after
// advanced.horizontalPodAutoscalerConfig.name changed, so that two HPAs
// never scale one target. The UID precondition keeps a same-named HPA
// created meanwhile by someone else.
func (c *Controller) deleteOwnedHPAs(ctx context.Context, l listers, so *v1alpha1.ScaledObject, keep string) error {
	all, err := l.hpasBy(indexByController, string(so.UID))
	if err != nil {
		return err
	}
	for _, hpa := range all {
		if hpa.Name == keep || !metav1.IsControlledBy(hpa, so) {
			continue
		}
		err := c.cfg.Kube.AutoscalingV2().HorizontalPodAutoscalers(so.Namespace).Delete(ctx, hpa.Name,
			metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &hpa.UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete hpa: %w", err)
		}
	}
	return nil
}
