package activator

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

// fullScaledObject is a ScaledObject as both programs leave it: applied
// with kubectl, paused by annotation, status written by the adapter
// (conditions, triggers, health, activity, printer columns) and the
// activator.
func fullScaledObject(name string) *v1alpha1.ScaledObject {
	so := scaledObject(name, active, withAnnotation(v1alpha1.AnnotationPausedReplicas, "2"), withRestore)
	so.Annotations[corev1.LastAppliedConfigAnnotation] = `{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject"}`
	so.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "sluice-adapter", Operation: metav1.ManagedFieldsOperationApply, Subresource: "status",
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(`{"f:status":{"f:conditions":{}}}`)}}
	metric := "s0-metric-api-value"
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	s := &so.Status
	s.LastActiveTime = &now
	s.Triggers = []v1alpha1.TriggerStatus{{MetricName: metric, Index: 0, Type: "metrics-api", Active: true}}
	s.Health = map[string]v1alpha1.HealthStatus{metric: {NumberOfFailures: ptr.To[int32](0), Status: "Happy"}}
	s.TriggersActivity = map[string]v1alpha1.TriggerActivityStatus{metric: {IsActive: true}}
	s.TriggersTypes, s.AuthenticationsTypes = "metrics-api", "auth"
	s.HPAName, s.ExternalMetricNames, s.OriginalReplicaCount = "keda-hpa-"+name, []string{metric}, ptr.To[int32](1)
	s.Conditions = append(s.Conditions,
		v1alpha1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: ReasonReady, LastTransitionTime: &now},
		v1alpha1.Condition{Type: v1alpha1.ConditionPaused, Status: metav1.ConditionTrue, Reason: ReasonPaused, LastTransitionTime: &now})
	return so
}

// TestTrimScaledObjectKeepsWhatIsRead: everything a reconcile reads reads
// the same from a trimmed object (spec, labels, annotations, finalizers,
// owners, conditions, triggers, lastActiveTime, the activator's own
// fields); the adapter-only maps, strings and managed fields are gone.
func TestTrimScaledObjectKeepsWhatIsRead(t *testing.T) {
	full := fullScaledObject("app")
	tr := cachetest.Trimmed(t, TrimScaledObject, full.DeepCopy())
	cachetest.ExpectKept(t,
		cachetest.Kept{What: "metadata", Trimmed: tr.ObjectMeta, Full: cachetest.StrippedMeta(&full.ObjectMeta)},
		cachetest.Kept{What: "spec", Trimmed: tr.Spec, Full: full.Spec},
		cachetest.Kept{What: "own status", Trimmed: ownedStatus(&tr.Status), Full: ownedStatus(&full.Status)},
		cachetest.Kept{What: "conditions", Trimmed: tr.Status.Conditions, Full: full.Status.Conditions},
		cachetest.Kept{What: "triggers", Trimmed: tr.Status.Triggers, Full: full.Status.Triggers},
		cachetest.Kept{What: "lastActiveTime", Trimmed: tr.Status.LastActiveTime, Full: full.Status.LastActiveTime})
	if s := tr.Status; s.Health != nil || s.TriggersActivity != nil || s.TriggersTypes != "" || s.AuthenticationsTypes != "" {
		t.Errorf("trimmed status kept adapter-only fields: %+v", s)
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/app", Obj: full}
	if got, _ := TrimScaledObject(tomb); got != tomb {
		t.Errorf("tombstone changed to %v", got)
	}
}

// TestTrimScaledObjectSharesStrings: two ScaledObjects decoded from the
// same JSON share, once trimmed, the strings that objects repeat.
func TestTrimScaledObjectSharesStrings(t *testing.T) {
	cachetest.ExpectShared(t, TrimScaledObject, fullScaledObject("app"), func(so *v1alpha1.ScaledObject) map[string]string {
		return map[string]string{
			"namespace": so.Namespace, "trigger type": so.Spec.Triggers[0].Type,
			"metric name": so.Status.Triggers[0].MetricName, "condition reason": so.Status.Conditions[0].Reason,
		}
	})
}

// BenchmarkScaledObjectCache reports the live heap per object of a store
// of 10,000 ScaledObjects as both programs leave them, decoded from JSON
// as an informer gets them: managed fields stripped (before) and
// TrimScaledObject (after).
func BenchmarkScaledObjectCache(b *testing.B) {
	cachetest.BenchmarkTrim(b, 10000, func(i int) *v1alpha1.ScaledObject {
		return fullScaledObject(fmt.Sprintf("so-%d", i))
	}, TrimScaledObject)
}
