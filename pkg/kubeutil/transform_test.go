package kubeutil

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestStripManagedFields(t *testing.T) {
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{
		Name: "so", ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "sluice-adapter"}},
	}}
	got, err := StripManagedFields(so)
	if err != nil || got.(*v1alpha1.ScaledObject).ManagedFields != nil || got.(*v1alpha1.ScaledObject).Name != "so" {
		t.Errorf("StripManagedFields = %+v, %v", got, err)
	}
	applied := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so", Annotations: map[string]string{
		"kubectl.kubernetes.io/last-applied-configuration": `{"apiVersion":"keda.sh/v1alpha1"}`,
		"autoscaling.keda.sh/paused":                       "true",
	}}}
	got, _ = StripManagedFields(applied)
	if ann := got.(*v1alpha1.ScaledObject).Annotations; len(ann) != 1 || ann["autoscaling.keda.sh/paused"] != "true" {
		t.Errorf("annotations = %v, want only the pause annotation", ann)
	}
	only := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so", Annotations: map[string]string{
		"kubectl.kubernetes.io/last-applied-configuration": "{}"}}}
	if got, _ := StripManagedFields(only); got.(*v1alpha1.ScaledObject).Annotations != nil {
		t.Errorf("annotations = %v, want none", got.(*v1alpha1.ScaledObject).Annotations)
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/so", Obj: so}
	if got, err := StripManagedFields(tomb); err != nil || got != any(tomb) {
		t.Errorf("tombstone = %+v, %v; want it unchanged", got, err)
	}
}

func TestTransformOf(t *testing.T) {
	rename := func(so *v1alpha1.ScaledObject) *v1alpha1.ScaledObject {
		so.Name = "trimmed"
		return so
	}
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so"}}
	if got, err := TransformOf(so, rename); err != nil || got != any(so) || so.Name != "trimmed" {
		t.Errorf("TransformOf = %+v, %v; want the object trimmed", got, err)
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/so", Obj: &v1alpha1.ScaledObject{}}
	if got, err := TransformOf(tomb, rename); err != nil || got != any(tomb) {
		t.Errorf("tombstone = %+v, %v; want it unchanged", got, err)
	}
}
