package activator

import (
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
)

func TestTrimHPA(t *testing.T) {
	own := metav1.ManagedFieldsEntry{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationApply}
	tests := []struct {
		name     string
		managed  []metav1.ManagedFieldsEntry
		wantKept []metav1.ManagedFieldsEntry
	}{
		{"own apply kept, others dropped", []metav1.ManagedFieldsEntry{
			{Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate, Subresource: "status"},
			own,
			{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply},
		}, []metav1.ManagedFieldsEntry{own}},
		{"own status and update entries dropped", []metav1.ManagedFieldsEntry{
			{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationApply, Subresource: "status"},
			{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationUpdate},
		}, nil},
		{"none", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hpa := &autoscalingv2.HorizontalPodAutoscaler{
				ObjectMeta: metav1.ObjectMeta{Name: "h", Labels: map[string]string{"a": "b"}, ManagedFields: tc.managed},
				Spec:       autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 4},
				Status: autoscalingv2.HorizontalPodAutoscalerStatus{
					CurrentReplicas: 2, DesiredReplicas: 3, ObservedGeneration: ptr.To[int64](5),
					Conditions:     []autoscalingv2.HorizontalPodAutoscalerCondition{{Type: autoscalingv2.AbleToScale}},
					CurrentMetrics: []autoscalingv2.MetricStatus{{Type: autoscalingv2.ExternalMetricSourceType}},
				},
			}
			tr := cachetest.Trimmed(t, TrimHPA, hpa)
			if len(tr.ManagedFields) != len(tc.wantKept) || (len(tc.wantKept) == 1 && tr.ManagedFields[0] != tc.wantKept[0]) {
				t.Errorf("managed fields = %+v, want %+v", tr.ManagedFields, tc.wantKept)
			}
			s := tr.Status
			if s.CurrentReplicas != 2 || s.DesiredReplicas != 3 || *s.ObservedGeneration != 5 || s.Conditions != nil || s.CurrentMetrics != nil {
				t.Errorf("status = %+v, want replica counts and generation only", s)
			}
			if tr.Spec.MaxReplicas != 4 || tr.Labels["a"] != "b" {
				t.Errorf("spec or labels changed: %+v", tr)
			}
		})
	}
	tomb := cache.DeletedFinalStateUnknown{Key: "ns/h", Obj: &autoscalingv2.HorizontalPodAutoscaler{}}
	if got, err := TrimHPA(tomb); err != nil || got != any(tomb) {
		t.Errorf("tombstone = %+v, %v; want it unchanged", got, err)
	}
}

// TestTrimHPASharesStrings: two HPAs decoded from the same JSON share,
// once trimmed, the strings that HPAs written from one template repeat.
func TestTrimHPASharesStrings(t *testing.T) {
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "keda-hpa-app", Namespace: "shop", Labels: map[string]string{"app.kubernetes.io/managed-by": "sluice"}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "app"},
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "s0-metric-api-value", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"scaledobject.keda.sh/name": "app"}}},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType},
			}}},
		},
	}
	cachetest.ExpectShared(t, TrimHPA, hpa, func(h *autoscalingv2.HorizontalPodAutoscaler) map[string]string {
		m := h.Spec.Metrics[0].External
		return map[string]string{
			"namespace": h.Namespace, "label value": h.Labels["app.kubernetes.io/managed-by"], "target kind": h.Spec.ScaleTargetRef.Kind,
			"metric name": m.Metric.Name, "selector value": m.Metric.Selector.MatchLabels["scaledobject.keda.sh/name"],
			"target type": string(m.Target.Type),
		}
	})
}
