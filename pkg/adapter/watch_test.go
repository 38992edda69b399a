package adapter

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestNeedsResolve(t *testing.T) {
	base := func() *v1alpha1.ScaledObject {
		return &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "so", ResourceVersion: "10", Generation: 2}}
	}
	now := metav1.Now()
	tests := []struct {
		name   string
		change func(*v1alpha1.ScaledObject)
		want   bool
	}{
		{"resync", func(*v1alpha1.ScaledObject) {}, true},
		{"status write", func(so *v1alpha1.ScaledObject) {
			so.ResourceVersion = "11"
			so.Status.HPAName = "keda-hpa-so"
		}, false},
		{"spec change", func(so *v1alpha1.ScaledObject) { so.ResourceVersion, so.Generation = "11", 3 }, true},
		{"deletion", func(so *v1alpha1.ScaledObject) { so.ResourceVersion, so.DeletionTimestamp = "11", &now }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base()
			tt.change(n)
			if got := needsResolve(base(), n); got != tt.want {
				t.Errorf("needsResolve = %v, want %v", got, tt.want)
			}
		})
	}
}
