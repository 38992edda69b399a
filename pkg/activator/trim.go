package activator

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TrimHPA is an informer transform for the activator's HPA cache. It keeps
// what the activator reads and drops the rest before an HPA enters the
// cache:
//
//   - of metadata.managedFields only the activator's own apply entry on the
//     main resource, which applyHPA extracts to see whether the HPA still
//     holds what it applied (kube-controller-manager's status entry and
//     anyone else's are never read: an edit by someone else still shows,
//     because it moves ownership out of the activator's entry);
//   - of the status only the replica counts and the observed generation
//     that hpaChanged compares; the conditions and current metrics, which
//     the HPA controller rewrites every sync period, are dropped.
//
// Spec, labels, annotations and owner references stay whole. Anything that
// is not an HPA (tombstones) passes unchanged. It modifies obj in place, as
// transforms may: the object comes straight from the decoder.
func TrimHPA(obj any) (any, error) {
	hpa, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		return obj, nil
	}
	hpa.ManagedFields = ownApplyEntry(hpa.ManagedFields)
	hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
		ObservedGeneration: hpa.Status.ObservedGeneration,
		CurrentReplicas:    hpa.Status.CurrentReplicas,
		DesiredReplicas:    hpa.Status.DesiredReplicas,
	}
	return hpa, nil
}

// ownApplyEntry returns the entries of mf that
// ExtractHorizontalPodAutoscaler reads for FieldManager, or nil.
func ownApplyEntry(mf []metav1.ManagedFieldsEntry) []metav1.ManagedFieldsEntry {
	for i := range mf {
		e := mf[i]
		if e.Manager == FieldManager && e.Operation == metav1.ManagedFieldsOperationApply && e.Subresource == "" {
			return []metav1.ManagedFieldsEntry{e}
		}
	}
	return nil
}
