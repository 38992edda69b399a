package adapter

import (
	"slices"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// The adapter's caches of objects it does not own keep only what it
// reads: with 10,000 ScaledObjects it caches 10,000 HPAs and the metadata
// of every Secret, ConfigMap, Deployment and StatefulSet of the watched
// namespaces, and their managed fields, labels and annotations (kubectl's
// last-applied-configuration of a Secret holds its data) were most of
// each. Both transforms build a new object: the decoded one is garbage at
// once, and no field added to the API later is kept by accident.

// trimMetadata is the transform of the metadata informers (objects.go):
// a Secret's or ConfigMap's resourceVersion tells whether a kept copy is
// current, and a scale target's generation whether its pod template may
// have changed. Identity (name, namespace, UID) and deletion stay.
// Anything else (tombstones) passes unchanged.
func trimMetadata(obj any) (any, error) {
	return kubeutil.TransformOf(obj, func(m *metav1.PartialObjectMetadata) *metav1.PartialObjectMetadata {
		return &metav1.PartialObjectMetadata{
			TypeMeta: m.TypeMeta,
			ObjectMeta: metav1.ObjectMeta{
				Name: m.Name, Namespace: m.Namespace, UID: m.UID,
				ResourceVersion: m.ResourceVersion, Generation: m.Generation,
				DeletionTimestamp: m.DeletionTimestamp,
			},
		}
	})
}

// trimReplicasHPA is the transform of the HPA informer (replicas.go): the
// provider's fallback reads an HPA's status.currentReplicas, and whether
// the ScaledObject controls it (its controller owner reference). Spec,
// labels, annotations, conditions and metrics, which the HPA controller
// rewrites every sync, are dropped. Anything else passes unchanged.
func trimReplicasHPA(obj any) (any, error) {
	return kubeutil.TransformOf(obj, func(h *autoscalingv2.HorizontalPodAutoscaler) *autoscalingv2.HorizontalPodAutoscaler {
		t := &autoscalingv2.HorizontalPodAutoscaler{
			TypeMeta: h.TypeMeta,
			ObjectMeta: metav1.ObjectMeta{
				Name: h.Name, Namespace: h.Namespace, UID: h.UID, ResourceVersion: h.ResourceVersion,
			},
			Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: h.Status.CurrentReplicas},
		}
		if c := metav1.GetControllerOfNoCopy(h); c != nil {
			t.OwnerReferences = []metav1.OwnerReference{*c}
		}
		kubeutil.InternMeta(&t.ObjectMeta)
		return t
	})
}

// trimScaledObject is the transform of the ScaledObject informers
// (watch.go). Besides the managed fields and kubectl's last-applied copy
// (kubeutil.StripManagedFields), it drops the status that only the
// activator writes and the adapter never reads: the resolved target, the
// HPA's name and metric names, the replica counts it recorded, and its
// Ready and Paused conditions. Spec, metadata and the adapter's own
// status (compared before each status write) stay. The adapter writes its
// status by server-side apply of its own fields, so nothing dropped is
// ever written back. Anything that is not a ScaledObject passes unchanged.
func trimScaledObject(obj any) (any, error) {
	obj, _ = kubeutil.StripManagedFields(obj)
	return kubeutil.TransformOf(obj, func(so *v1alpha1.ScaledObject) *v1alpha1.ScaledObject {
		s := &so.Status
		s.ScaleTargetKind, s.ScaleTargetGVKR, s.OriginalReplicaCount = "", nil, nil
		s.ExternalMetricNames, s.ResourceMetricNames, s.HPAName = nil, nil, ""
		s.PausedReplicaCount, s.CompositeScalerName = nil, ""
		// A new slice, so that the old array and what only it held go.
		var kept []v1alpha1.Condition
		for _, c := range s.Conditions {
			if c.Type != v1alpha1.ConditionReady && c.Type != v1alpha1.ConditionPaused {
				kept = append(kept, c)
			}
		}
		s.Conditions = slices.Clip(kept)
		kubeutil.InternScaledObject(so)
		return so
	})
}
