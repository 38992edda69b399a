package activator

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
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
// is not an HPA (tombstones) passes unchanged. It modifies obj in place.
func TrimHPA(obj any) (any, error) {
	return kubeutil.TransformOf(obj, func(hpa *autoscalingv2.HorizontalPodAutoscaler) *autoscalingv2.HorizontalPodAutoscaler {
		hpa.ManagedFields = ownApplyEntry(hpa.ManagedFields)
		hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
			ObservedGeneration: hpa.Status.ObservedGeneration,
			CurrentReplicas:    hpa.Status.CurrentReplicas,
			DesiredReplicas:    hpa.Status.DesiredReplicas,
		}
		return hpa
	})
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

// TrimScaledObject is an informer transform for the activator's
// ScaledObject cache. Besides the managed fields and kubectl's
// last-applied copy (kubeutil.StripManagedFields), it drops the status
// fields that only the adapter writes and no reconcile reads: the
// per-metric health and activity maps and the printer-column strings. The
// spec, metadata, conditions, per-trigger states, lastActiveTime and the
// activator's own fields stay. Status is written by server-side apply of
// the activator's fields only, so nothing dropped here is ever written
// back or erased. Anything that is not a ScaledObject passes unchanged.
func TrimScaledObject(obj any) (any, error) {
	obj, _ = kubeutil.StripManagedFields(obj)
	return kubeutil.TransformOf(obj, func(so *v1alpha1.ScaledObject) *v1alpha1.ScaledObject {
		s := &so.Status
		s.Health, s.TriggersActivity, s.TriggersTypes, s.AuthenticationsTypes = nil, nil, "", ""
		return so
	})
}
