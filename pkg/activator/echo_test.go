package activator

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestOwnStatusEcho(t *testing.T) {
	base := func() *v1alpha1.ScaledObject {
		so := scaledObject("a", withCondition(v1alpha1.ConditionActive, metav1.ConditionTrue, t0))
		so.ResourceVersion, so.Generation = "10", 1
		return so
	}
	tests := []struct {
		name string
		edit func(so *v1alpha1.ScaledObject)
		echo bool
	}{
		{"own status apply", func(so *v1alpha1.ScaledObject) {
			so.Status.HPAName, so.Status.OriginalReplicaCount = "keda-hpa-a", ptr.To[int32](1)
			so.Status.ExternalMetricNames = []string{"s0-metric"}
			so.Status.Conditions = append(so.Status.Conditions, v1alpha1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue})
			so.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: FieldManager}}
		}, true},
		{"resync (same resourceVersion)", func(so *v1alpha1.ScaledObject) { so.ResourceVersion = "10" }, false},
		{"adapter's Active condition", func(so *v1alpha1.ScaledObject) {
			so.Status.Conditions[0].Status = metav1.ConditionFalse
		}, false},
		{"adapter's trigger status", func(so *v1alpha1.ScaledObject) {
			so.Status.Triggers = []v1alpha1.TriggerStatus{{MetricName: "s0-metric", Healthy: true}}
		}, false},
		{"spec", func(so *v1alpha1.ScaledObject) { so.Generation = 2 }, false},
		{"annotation", func(so *v1alpha1.ScaledObject) {
			so.Annotations = map[string]string{v1alpha1.AnnotationPaused: "true"}
		}, false},
		{"finalizer", func(so *v1alpha1.ScaledObject) { so.Finalizers = []string{FinalizerRestoreReplicas} }, false},
		{"deletion", func(so *v1alpha1.ScaledObject) { so.DeletionTimestamp = &metav1.Time{Time: t0} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSO, newSO := base(), base()
			newSO.ResourceVersion = "11"
			tt.edit(newSO)
			before := oldSO.DeepCopy()
			if got := ownStatusEcho(oldSO, newSO); got != tt.echo {
				t.Errorf("ownStatusEcho = %v, want %v", got, tt.echo)
			}
			if !equality.Semantic.DeepEqual(before, oldSO) {
				t.Error("ownStatusEcho modified the cached object")
			}
		})
	}
}
