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
// Spec, labels, annotations and owner references stay whole, their
// strings interned (internHPA). Anything that
// is not an HPA (tombstones) passes unchanged. It modifies obj in place.
func TrimHPA(obj any) (any, error) {
	return kubeutil.TransformOf(obj, func(hpa *autoscalingv2.HorizontalPodAutoscaler) *autoscalingv2.HorizontalPodAutoscaler {
		hpa.ManagedFields = ownApplyEntry(hpa.ManagedFields)
		hpa.Status = autoscalingv2.HorizontalPodAutoscalerStatus{
			ObservedGeneration: hpa.Status.ObservedGeneration,
			CurrentReplicas:    hpa.Status.CurrentReplicas,
			DesiredReplicas:    hpa.Status.DesiredReplicas,
		}
		internHPA(hpa)
		return hpa
	})
}

// internHPA interns in place the strings HPAs written from one template
// repeat: the shared parts of the metadata (kubeutil.InternMeta), the
// target's kind and apiVersion, and each metric's type, name, selector and
// target type.
func internHPA(hpa *autoscalingv2.HorizontalPodAutoscaler) {
	kubeutil.InternMeta(&hpa.ObjectMeta)
	r := &hpa.Spec.ScaleTargetRef
	r.APIVersion, r.Kind = kubeutil.Intern(r.APIVersion), kubeutil.Intern(r.Kind)
	for i := range hpa.Spec.Metrics {
		m := &hpa.Spec.Metrics[i]
		m.Type = autoscalingv2.MetricSourceType(kubeutil.Intern(string(m.Type)))
		if e := m.External; e != nil {
			e.Metric.Name = kubeutil.Intern(e.Metric.Name)
			if sel := e.Metric.Selector; sel != nil {
				kubeutil.InternMap(sel.MatchLabels)
			}
			e.Target.Type = autoscalingv2.MetricTargetType(kubeutil.Intern(string(e.Target.Type)))
		}
	}
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
		kubeutil.InternScaledObject(so)
		return so
	})
}
