package activator

import (
	"fmt"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// duplicateTarget returns a DuplicateTarget user error when another
// ScaledObject that is not being deleted names the same workload and came
// first (earlier creationTimestamp, then smaller name).
func duplicateTarget(l listers, so *v1alpha1.ScaledObject) error {
	all, err := l.scaledObjectsTargeting(so.Namespace, so.Spec.ScaleTargetRef)
	if err != nil {
		return err
	}
	for _, other := range all {
		if other.UID == so.UID || other.Name == so.Name || other.DeletionTimestamp != nil {
			continue
		}
		if !sameTarget(other.Spec.ScaleTargetRef, so.Spec.ScaleTargetRef) || !earlier(other, so) {
			continue
		}
		return &userError{ReasonDuplicateTarget, fmt.Sprintf(
			"ScaledObject %q already scales %s %q; delete one of them", other.Name, so.Spec.ScaleTargetRef.Kind, so.Spec.ScaleTargetRef.Name)}
	}
	return nil
}

// earlier orders ScaledObjects by creationTimestamp, then name.
func earlier(a, b *v1alpha1.ScaledObject) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	return a.Name < b.Name
}

// hpaConflict returns an HPAConflict user error when an HPA the object does
// not control targets the same workload or holds the object's HPA name. An
// HPA with the object's HPA name and no controller is adopted instead when
// the transfer-hpa-ownership annotation is "true".
func hpaConflict(l listers, so *v1alpha1.ScaledObject, tgt *target) error {
	all, err := l.hpasBy(indexByTarget, targetKey(so.Namespace, tgt.gvk.Group, tgt.gvk.Kind, tgt.name))
	if err != nil {
		return err
	}
	want := so.HPAName()
	if named, err := l.hpas.HorizontalPodAutoscalers(so.Namespace).Get(want); err == nil {
		all = append(all, named)
	} else if !apierrors.IsNotFound(err) {
		return fmt.Errorf("get hpa: %w", err)
	}
	transfer := so.Annotations[v1alpha1.AnnotationTransferHPAOwnership] == "true"
	for _, hpa := range all {
		if metav1.IsControlledBy(hpa, so) {
			continue
		}
		if hpa.Name != want && !targets(hpa, tgt) {
			continue
		}
		if transfer && hpa.Name == want && metav1.GetControllerOf(hpa) == nil {
			continue
		}
		return &userError{ReasonHPAConflict, fmt.Sprintf(
			"HorizontalPodAutoscaler %q already exists for %s %q and is not owned by this ScaledObject; delete it, or adopt it with the annotation %s: \"true\" and advanced.horizontalPodAutoscalerConfig.name: %q",
			hpa.Name, tgt.gvk.Kind, tgt.name, v1alpha1.AnnotationTransferHPAOwnership, hpa.Name)}
	}
	return nil
}

// targets reports whether hpa scales the resolved target.
func targets(hpa *autoscalingv2.HorizontalPodAutoscaler, tgt *target) bool {
	ref := hpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && ref.Name == tgt.name && ref.Kind == tgt.gvk.Kind && gv.Group == tgt.gvk.Group
}

// ownedHPA returns the object's HPA from the cache when the object controls
// it, or nil.
func ownedHPA(l listers, so *v1alpha1.ScaledObject) (*autoscalingv2.HorizontalPodAutoscaler, error) {
	hpa, err := l.hpas.HorizontalPodAutoscalers(so.Namespace).Get(so.HPAName())
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get hpa: %w", err)
	}
	if !metav1.IsControlledBy(hpa, so) {
		return nil, nil
	}
	return hpa, nil
}
