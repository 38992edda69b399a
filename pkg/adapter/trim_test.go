package adapter

import (
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

// fullMeta is object metadata as kube-apiserver sends it for an object
// written by kubectl apply and a controller.
func fullMeta() metav1.ObjectMeta {
	now := metav1.Now()
	return metav1.ObjectMeta{
		Name: "app", Namespace: "ns", UID: "uid-app", ResourceVersion: "42", Generation: 7,
		CreationTimestamp: now, DeletionTimestamp: &now,
		Labels:          map[string]string{"app": "web", "app.kubernetes.io/managed-by": "sluice"},
		Annotations:     map[string]string{corev1.LastAppliedConfigAnnotation: `{"data":{"password":"c2VjcmV0"}}`, "note": "x"},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "other", UID: "uid-other"}},
		Finalizers:      []string{"keep"},
		ManagedFields: []metav1.ManagedFieldsEntry{
			{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:data":{}}`)},
		},
	}
}

// TestTrimMetadata: what objects.go reads (resourceVersion, generation)
// and the identity stay; labels, annotations (a Secret's last-applied
// copy), owners and managed fields go; tombstones pass unchanged.
func TestTrimMetadata(t *testing.T) {
	full := &metav1.PartialObjectMetadata{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: fullMeta()}
	m := cachetest.Trimmed(t, trimMetadata, full.DeepCopy())
	if m.TypeMeta != full.TypeMeta || m.Name != full.Name || m.Namespace != full.Namespace || m.UID != full.UID ||
		m.ResourceVersion != full.ResourceVersion || m.Generation != full.Generation || !m.DeletionTimestamp.Equal(full.DeletionTimestamp) {
		t.Errorf("trimmed %+v lost what is read from %+v", m, full)
	}
	if m.Labels != nil || m.Annotations != nil || m.OwnerReferences != nil || m.ManagedFields != nil || m.Finalizers != nil {
		t.Errorf("trimmed %+v kept what is never read", m)
	}
	key, _ := cache.MetaNamespaceKeyFunc(m)
	if key != "ns/app" {
		t.Errorf("key %q", key)
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/app", Obj: full}
	if got, _ := trimMetadata(tomb); got != tomb {
		t.Errorf("tombstone changed to %v", got)
	}
}

// TestTrimReplicasHPA: CurrentReplicas reads the same from a trimmed HPA
// as from the full one (replica count, and whether the ScaledObject
// controls it), for HPAs the object controls, owns without controlling,
// or does not own.
func TestTrimReplicasHPA(t *testing.T) {
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "ns", UID: "uid-so"}}
	ctrl := *metav1.NewControllerRef(so, v1alpha1.SchemeGroupVersion.WithKind("ScaledObject"))
	owner := ctrl
	owner.Controller = ptr.To(false)
	other := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "x", UID: types.UID("uid-x"), Controller: ptr.To(true)}
	tests := []struct {
		name   string
		owners []metav1.OwnerReference
	}{
		{"controlled by the object", []metav1.OwnerReference{other, ctrl}},
		{"owned, not controlled", []metav1.OwnerReference{owner}},
		{"controlled by another", []metav1.OwnerReference{other}},
		{"no owner", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := fullMeta()
			meta.OwnerReferences = tt.owners
			full := &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: meta,
				Spec:       autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 10, ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "app"}},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 4, DesiredReplicas: 5,
					Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, Message: "long text"}}},
			}
			h := cachetest.Trimmed(t, trimReplicasHPA, full.DeepCopy())
			if h.Status.CurrentReplicas != full.Status.CurrentReplicas || metav1.IsControlledBy(h, so) != metav1.IsControlledBy(full, so) {
				t.Errorf("trimmed reads %d, controlled %t; full %d, %t", h.Status.CurrentReplicas, metav1.IsControlledBy(h, so),
					full.Status.CurrentReplicas, metav1.IsControlledBy(full, so))
			}
			if h.Name != full.Name || h.Namespace != full.Namespace || h.ResourceVersion != full.ResourceVersion {
				t.Errorf("trimmed %+v lost its identity", h.ObjectMeta)
			}
			if h.Spec.MaxReplicas != 0 || h.Status.Conditions != nil || h.Labels != nil || h.ManagedFields != nil || len(h.OwnerReferences) > 1 {
				t.Errorf("trimmed %+v kept what is never read", h)
			}
		})
	}
	if got, _ := trimReplicasHPA("not an hpa"); got != "not an hpa" {
		t.Errorf("a non-HPA changed to %v", got)
	}
}
