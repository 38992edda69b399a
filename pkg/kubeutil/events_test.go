package kubeutil

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestEventObject(t *testing.T) {
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so"}}
	tests := []struct {
		name string
		obj  any
		want *v1alpha1.ScaledObject
	}{
		{"the object", so, so},
		{"a tombstone", cache.DeletedFinalStateUnknown{Key: "ns/so", Obj: so}, so},
		{"another type", &v1alpha1.TriggerAuthentication{}, nil},
		{"a tombstone of another type", cache.DeletedFinalStateUnknown{Key: "ns/ta", Obj: &v1alpha1.TriggerAuthentication{}}, nil},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := EventObject[*v1alpha1.ScaledObject](tt.obj)
			if got != tt.want || ok != (tt.want != nil) {
				t.Errorf("EventObject = %v, %t; want %v", got, ok, tt.want)
			}
		})
	}
}
