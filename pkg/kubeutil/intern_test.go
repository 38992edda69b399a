package kubeutil

import (
	"encoding/json"
	"strings"
	"testing"
	"unsafe"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// decodedTwice returns two copies of so decoded from its JSON, as two
// informer events would hold them: equal, and sharing no string.
func decodedTwice(t *testing.T, so *v1alpha1.ScaledObject) (a, b *v1alpha1.ScaledObject) {
	t.Helper()
	raw, err := json.Marshal(so)
	if err != nil {
		t.Fatal(err)
	}
	a, b = &v1alpha1.ScaledObject{}, &v1alpha1.ScaledObject{}
	if err := json.Unmarshal(raw, a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, b); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// shared reports whether x and y use the same bytes.
func shared(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }

// mapKey returns m's own copy of key k.
func mapKey(m map[string]string, k string) string {
	for key := range m {
		if key == k {
			return key
		}
	}
	return ""
}

func TestInternScaledObject(t *testing.T) {
	long := strings.Repeat("x", internMax+1)
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{
			Name: "orders", Namespace: "shop", UID: "0b0e5f1c-0000-4000-8000-000000000001",
			Labels:          map[string]string{"app": "orders"},
			Annotations:     map[string]string{"autoscaling.keda.sh/paused": "true", "note": long},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "orders"}},
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "sluice-adapter", Operation: metav1.ManagedFieldsOperationApply}},
		},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef: &v1alpha1.ScaleTarget{Name: "orders", APIVersion: "apps/v1", Kind: "Deployment"},
			Triggers: []v1alpha1.ScaleTriggers{{
				Type: "azure-queue", Metadata: map[string]string{"queueName": "orders", "queueLength": "5"},
				AuthenticationRef: &v1alpha1.AuthenticationRef{Name: "storage"},
			}},
		},
		Status: v1alpha1.ScaledObjectStatus{
			ExternalMetricNames: []string{"s0-azure-queue-orders"},
			Triggers:            []v1alpha1.TriggerStatus{{MetricName: "s0-azure-queue-orders", Type: "azure-queue", Target: "5"}},
			Conditions: []v1alpha1.Condition{{
				Type: v1alpha1.ConditionActive, Status: metav1.ConditionFalse, Reason: "NoWork",
				Message: "every trigger is at or below its activation threshold",
			}},
		},
	}
	a, b := decodedTwice(t, so)
	InternScaledObject(a)
	InternScaledObject(b)
	if !equality.Semantic.DeepEqual(a, so) {
		t.Fatalf("interning changed the object:\n got %+v\nwant %+v", a, so)
	}
	for _, f := range []struct {
		what string
		a, b string
	}{
		{"namespace", a.Namespace, b.Namespace},
		{"label key", mapKey(a.Labels, "app"), mapKey(b.Labels, "app")},
		{"label value", a.Labels["app"], b.Labels["app"]},
		{"annotation value", a.Annotations["autoscaling.keda.sh/paused"], b.Annotations["autoscaling.keda.sh/paused"]},
		{"owner kind", a.OwnerReferences[0].Kind, b.OwnerReferences[0].Kind},
		{"manager", a.ManagedFields[0].Manager, b.ManagedFields[0].Manager},
		{"target kind", a.Spec.ScaleTargetRef.Kind, b.Spec.ScaleTargetRef.Kind},
		{"trigger type", a.Spec.Triggers[0].Type, b.Spec.Triggers[0].Type},
		{"parameter name", mapKey(a.Spec.Triggers[0].Metadata, "queueName"), mapKey(b.Spec.Triggers[0].Metadata, "queueName")},
		{"parameter value", a.Spec.Triggers[0].Metadata["queueName"], b.Spec.Triggers[0].Metadata["queueName"]},
		{"authenticationRef", a.Spec.Triggers[0].AuthenticationRef.Name, b.Spec.Triggers[0].AuthenticationRef.Name},
		{"metric name", a.Status.ExternalMetricNames[0], b.Status.ExternalMetricNames[0]},
		{"trigger state's metric", a.Status.Triggers[0].MetricName, b.Status.Triggers[0].MetricName},
		{"condition reason", a.Status.Conditions[0].Reason, b.Status.Conditions[0].Reason},
		{"condition message", a.Status.Conditions[0].Message, b.Status.Conditions[0].Message},
	} {
		if !shared(f.a, f.b) {
			t.Errorf("%s %q: two decoded objects hold two copies after interning", f.what, f.a)
		}
	}
	// An object's own long strings are left alone.
	if shared(a.Annotations["note"], b.Annotations["note"]) {
		t.Errorf("a %d-byte annotation was interned; want strings over %d bytes left as decoded", len(long), internMax)
	}
}

func TestInternLeavesEmptyAndLongStrings(t *testing.T) {
	if got := Intern(""); got != "" {
		t.Errorf("Intern(\"\") = %q", got)
	}
	long := strings.Repeat("y", internMax+1)
	if got := Intern(long); !shared(got, long) {
		t.Error("Intern copied a string longer than internMax")
	}
	InternMap(nil) // a nil map is a no-op
	InternScaledObject(&v1alpha1.ScaledObject{})
}
