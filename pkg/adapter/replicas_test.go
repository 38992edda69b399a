package adapter

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	"github.com/sluice-dev/sluice/pkg/poll"
)

func TestHPAReplicas(t *testing.T) {
	so := func(name, hpaName string) *v1alpha1.ScaledObject {
		o := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name)}}
		if hpaName != "" {
			o.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: hpaName}}
		}
		return o
	}
	read := map[string]string{"app.kubernetes.io/managed-by": "sluice", v1alpha1.LabelFallbackReadsReplicas: "true"}
	managedOnly := map[string]string{"app.kubernetes.io/managed-by": "sluice"}
	hpa := func(name string, owner *v1alpha1.ScaledObject, labels map[string]string, current int32) *autoscalingv2.HorizontalPodAutoscaler {
		h := &autoscalingv2.HorizontalPodAutoscaler{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: labels},
			Status:     autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: current},
		}
		if owner != nil {
			h.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner, v1alpha1.SchemeGroupVersion.WithKind("ScaledObject"))}
		}
		return h
	}
	app, named, foreign, unlabelled, static, nohpa := so("app", ""), so("named", "custom"), so("foreign", ""), so("unlabelled", ""), so("static", ""), so("nohpa", "")
	keda := fake.NewSimpleClientset(app, named, foreign, unlabelled, static, nohpa)
	kube := kubefake.NewClientset(
		hpa("keda-hpa-app", app, read, 3),
		hpa("custom", named, read, 7),
		hpa("keda-hpa-foreign", nil, read, 5),
		hpa("keda-hpa-unlabelled", unlabelled, nil, 4),
		hpa("keda-hpa-static", static, managedOnly, 2),
	)
	w, err := newWatches(keda, nil, time.Hour, func(string) {}, func(string, string, string) {})
	if err != nil {
		t.Fatal(err)
	}
	h := newHPAReplicas(kube, w, nil, time.Hour)
	startSynced(t, &w.informerSet, &h.informerSet)
	tests := []struct {
		name   string
		object string
		want   int32
		known  bool
	}{
		{"default HPA name", "app", 3, true},
		{"horizontalPodAutoscalerConfig.name", "named", 7, true},
		{"HPA not owned by the object", "foreign", 0, false},
		{"HPA without the managed-by label is not watched", "unlabelled", 0, false},
		{"HPA of an object whose fallback does not read the count is not watched", "static", 0, false},
		{"no HPA yet", "nohpa", 0, false},
		{"unknown object", "missing", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known := h.CurrentReplicas(poll.Key{Namespace: "ns", Name: tt.object})
			if got != tt.want || known != tt.known {
				t.Errorf("CurrentReplicas = %d, %t; want %d, %t", got, known, tt.want, tt.known)
			}
		})
	}
}
