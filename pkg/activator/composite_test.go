package activator

import (
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// withModifiers adds a second (kafka) trigger named "lag", a cpu trigger,
// and scalingModifiers over the two event triggers.
func withModifiers(sm v1alpha1.ScalingModifiers) soMod {
	return func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = append(so.Spec.Triggers,
			v1alpha1.ScaleTriggers{Type: "kafka", Name: "lag"},
			v1alpha1.ScaleTriggers{Type: "cpu", Metadata: map[string]string{"value": "80"}})
		so.Status.Triggers = append(so.Status.Triggers, v1alpha1.TriggerStatus{
			MetricName: "s1-kafka-lag", Index: 1, Name: "lag", Type: "kafka", Target: "10", ActivationTarget: "100", Healthy: true})
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{ScalingModifiers: sm}
	}
}

func TestCompositeHPA(t *testing.T) {
	tests := []struct {
		name       string
		sm         v1alpha1.ScalingModifiers
		wantTarget autoscalingv2.MetricTarget
	}{
		{"average value by default", v1alpha1.ScalingModifiers{Formula: "orders + lag", Target: "4"},
			autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("4"))}},
		{"value", v1alpha1.ScalingModifiers{Formula: "max(orders, lag)", Target: "2.5", MetricType: autoscalingv2.ValueMetricType},
			autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: ptr.To(resource.MustParse("2500m"))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(2, withMin(1), withModifiers(tc.sm))
			f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
			// The cpu metric stays, the two external metrics become one.
			want := []autoscalingv2.MetricSpec{{
				Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{Name: "cpu", Target: autoscalingv2.MetricTarget{
					Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](80)}},
			}, {
				Type: autoscalingv2.ExternalMetricSourceType,
				External: &autoscalingv2.ExternalMetricSource{
					Metric: autoscalingv2.MetricIdentifier{Name: composite.MetricName, Selector: &metav1.LabelSelector{
						MatchLabels: map[string]string{v1alpha1.LabelScaledObjectName: "so"}}},
					Target: tc.wantTarget,
				},
			}}
			if got := f.appliedHPA().Spec.Metrics; !equality.Semantic.DeepEqual(got, want) {
				t.Errorf("metrics:\n got %+v\nwant %+v", got, want)
			}
			st := f.appliedStatus()
			if st.CompositeScalerName != composite.MetricName || strings.Join(st.ExternalMetricNames, ",") != "s0-rabbitmq-orders,s1-kafka-lag" {
				t.Errorf("status: compositeScalerName %q, externalMetricNames %v", st.CompositeScalerName, st.ExternalMetricNames)
			}
		})
	}
}

func TestInvalidScalingModifiersIsNotReady(t *testing.T) {
	f := newFixture(t)
	f.runSO(1, withModifiers(v1alpha1.ScalingModifiers{Formula: "orders + nope", Target: "4"}))
	c := f.appliedStatus().Condition(v1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != ReasonInvalidScalingModifiers || !strings.Contains(c.Message, composite.FieldFormula) {
		t.Fatalf("Ready = %+v, want False %s naming %s", c, ReasonInvalidScalingModifiers, composite.FieldFormula)
	}
}

// TestCompositeIdleEvidence: scale to zero reads back the composite metric
// alone and compares it with scalingModifiers.activationTarget, not the
// triggers' thresholds.
func TestCompositeIdleEvidence(t *testing.T) {
	tests := []struct {
		name, value string
		wantScale   bool
	}{
		{"at the activation target", "3", true},
		{"above the activation target", "3001m", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, scaledObject("so", inactiveFor(time.Hour),
				withModifiers(v1alpha1.ScalingModifiers{Formula: "orders + lag", Target: "4", ActivationTarget: "3"})))
			f.replicas["deployments/web"] = 1
			f.metrics.value = tc.value
			f.run("so")
			if got := strings.Join(f.metrics.calls, ","); got != composite.MetricName+"{scaledobject.keda.sh/name=so}" {
				t.Errorf("metrics read = %q, want the composite alone", got)
			}
			scaled := strings.Contains(strings.Join(f.writes(), ","), "update deployments/scale web=0")
			if scaled != tc.wantScale {
				t.Errorf("scaled to zero = %v, want %v (writes %v)", scaled, tc.wantScale, f.writes())
			}
		})
	}
}
