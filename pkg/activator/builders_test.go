package activator

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// soMod changes a test ScaledObject.
type soMod func(*v1alpha1.ScaledObject)

// scaledObject is a ScaledObject created an hour ago that scales
// Deployment web on one rabbitmq trigger the adapter has reported, was
// active two hours ago, and has minReplicaCount 0.
func scaledObject(name string, mods ...soMod) *v1alpha1.ScaledObject {
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: ns, UID: types.UID("uid-" + name),
			CreationTimestamp: metav1.NewTime(t0.Add(-time.Hour)),
			Labels:            map[string]string{"app": "web"},
		},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "web"},
			Triggers:       []v1alpha1.ScaleTriggers{{Type: "rabbitmq", Name: "orders", Metadata: map[string]string{"queueName": "orders"}}},
		},
		Status: v1alpha1.ScaledObjectStatus{
			LastActiveTime: ptr.To(metav1.NewTime(t0.Add(-2 * time.Hour))),
			Triggers: []v1alpha1.TriggerStatus{{
				MetricName: "s0-rabbitmq-orders", Index: 0, Name: "orders", Type: "rabbitmq", Target: "5", Healthy: true,
			}},
		},
	}
	for _, m := range mods {
		m(so)
	}
	return so
}

// withCondition sets an adapter-owned condition that last changed at since.
func withCondition(t v1alpha1.ConditionType, status metav1.ConditionStatus, since time.Time) soMod {
	return func(so *v1alpha1.ScaledObject) {
		so.Status.Conditions = append(so.Status.Conditions, v1alpha1.Condition{
			Type: t, Status: status, Reason: "Test", LastTransitionTime: ptr.To(metav1.NewTime(since)),
		})
	}
}

// active marks the object Active=True (trigger active) since t0-1m.
func active(so *v1alpha1.ScaledObject) {
	withCondition(v1alpha1.ConditionActive, metav1.ConditionTrue, t0.Add(-time.Minute))(so)
	so.Status.Triggers[0].Active = true
}

// inactiveFor marks the object Active=False for d.
func inactiveFor(d time.Duration) soMod {
	return withCondition(v1alpha1.ConditionActive, metav1.ConditionFalse, t0.Add(-d))
}

// withAnnotation sets an annotation.
func withAnnotation(k, v string) soMod {
	return func(so *v1alpha1.ScaledObject) {
		if so.Annotations == nil {
			so.Annotations = map[string]string{}
		}
		so.Annotations[k] = v
	}
}

// withMin sets minReplicaCount.
func withMin(n int32) soMod {
	return func(so *v1alpha1.ScaledObject) { so.Spec.MinReplicaCount = ptr.To(n) }
}

// withRestore turns advanced.restoreToOriginalReplicaCount on.
func withRestore(so *v1alpha1.ScaledObject) {
	if so.Spec.Advanced == nil {
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{}
	}
	so.Spec.Advanced.RestoreToOriginalReplicaCount = true
}
