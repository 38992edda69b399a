package adapter

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

// fullScaledObject is a ScaledObject as both programs leave it: applied
// with kubectl, status written by the adapter and by the activator.
func fullScaledObject(name string) *v1alpha1.ScaledObject {
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	metric := "s0-metric-api-value"
	return &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "bench", UID: types.UID("uid-" + name), ResourceVersion: "7", Generation: 1,
			Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: `{"kind":"ScaledObject"}`, v1alpha1.AnnotationPaused: "false"},
			Finalizers:  []string{"finalizer.keda.sh"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "sluice-activator", Operation: metav1.ManagedFieldsOperationApply,
				Subresource: "status", FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:status":{}}`)}}},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: name},
			Triggers:       []v1alpha1.ScaleTriggers{{Type: "metrics-api", Metadata: map[string]string{"url": "http://127.0.0.1/value", "valueLocation": "value", "targetValue": "5"}}},
		},
		Status: v1alpha1.ScaledObjectStatus{
			ScaleTargetKind:      "apps/v1.Deployment",
			ScaleTargetGVKR:      &v1alpha1.GroupVersionKindResource{Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments"},
			OriginalReplicaCount: ptr.To[int32](1), ExternalMetricNames: []string{metric}, HPAName: "keda-hpa-" + name,
			LastActiveTime:   &now,
			Health:           map[string]v1alpha1.HealthStatus{metric: {NumberOfFailures: ptr.To[int32](0), Status: "Happy"}},
			TriggersTypes:    "metrics-api",
			TriggersActivity: map[string]v1alpha1.TriggerActivityStatus{metric: {IsActive: true}},
			Triggers:         []v1alpha1.TriggerStatus{{MetricName: metric, Type: "metrics-api", Active: true}},
			Conditions: []v1alpha1.Condition{
				{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Ready", Message: "the target resolves, the HPA is in place and every trigger is healthy", LastTransitionTime: &now},
				{Type: v1alpha1.ConditionActive, Status: metav1.ConditionTrue, Reason: "TriggerActive", Message: "trigger 0 (metrics-api) is active", LastTransitionTime: &now},
				{Type: v1alpha1.ConditionFallback, Status: metav1.ConditionFalse, Reason: "NoFallback", Message: "no trigger is in fallback", LastTransitionTime: &now},
				{Type: v1alpha1.ConditionPaused, Status: metav1.ConditionFalse, Reason: "NotPaused", Message: "no pause annotation is set", LastTransitionTime: &now},
			},
		},
	}
}

// TestTrimScaledObjectKeepsWhatIsRead: the adapter's own status (what the
// publisher compares), the spec and the metadata but managed fields and
// kubectl's copy read the same from a trimmed object; the activator's
// fields are gone.
func TestTrimScaledObjectKeepsWhatIsRead(t *testing.T) {
	full := fullScaledObject("app")
	tr := cachetest.Trimmed(t, trimScaledObject, full.DeepCopy())
	cachetest.ExpectKept(t,
		cachetest.Kept{What: "metadata", Trimmed: tr.ObjectMeta, Full: cachetest.StrippedMeta(&full.ObjectMeta)},
		cachetest.Kept{What: "spec", Trimmed: tr.Spec, Full: full.Spec},
		cachetest.Kept{What: "adapter status", Trimmed: ownedStatus(&tr.Status), Full: ownedStatus(&full.Status)},
		cachetest.Kept{What: "hpa name", Trimmed: tr.HPAName(), Full: full.HPAName()})
	s := tr.Status
	if s.ScaleTargetGVKR != nil || s.ExternalMetricNames != nil || s.HPAName != "" || s.OriginalReplicaCount != nil ||
		s.Condition(v1alpha1.ConditionReady) != nil || s.Condition(v1alpha1.ConditionPaused) != nil {
		t.Errorf("trimmed status kept the activator's fields: %+v", s)
	}
}

// TestTrimScaledObjectSharesStrings: two ScaledObjects decoded from the
// same JSON share, once trimmed, the strings that objects repeat.
func TestTrimScaledObjectSharesStrings(t *testing.T) {
	cachetest.ExpectShared(t, trimScaledObject, fullScaledObject("app"), func(so *v1alpha1.ScaledObject) map[string]string {
		return map[string]string{
			"namespace": so.Namespace, "trigger type": so.Spec.Triggers[0].Type,
			"metric name": so.Status.Triggers[0].MetricName, "condition message": so.Status.Conditions[0].Message,
		}
	})
}

// BenchmarkScaledObjectCache reports the live heap per object of a store
// of 10,000 ScaledObjects as both programs leave them: managed fields
// stripped (before) and trimScaledObject (after).
func BenchmarkScaledObjectCache(b *testing.B) {
	cachetest.BenchmarkTrim(b, 10000, func(i int) *v1alpha1.ScaledObject {
		return fullScaledObject(fmt.Sprintf("so-%d", i))
	}, trimScaledObject)
}
