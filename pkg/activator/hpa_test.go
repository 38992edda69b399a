package activator

import (
	"context"
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

var hpaGVR = schema.GroupVersionResource{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}

func TestHPAShape(t *testing.T) {
	f := newFixture(t)
	behavior := &autoscalingv2.HorizontalPodAutoscalerBehavior{
		ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](60)},
	}
	f.objects = append(f.objects, scaledObject("so", withMin(0), func(so *v1alpha1.ScaledObject) {
		so.Spec.MaxReplicaCount = ptr.To[int32](7)
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Behavior: behavior}}
	}))
	f.replicas["deployments/web"] = 2
	f.run("so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")

	hpa := f.appliedHPA()
	if hpa.Name != "keda-hpa-so" || hpa.Labels[LabelManagedBy] != ManagedByValue || hpa.Labels["app"] != "web" {
		t.Errorf("name/labels = %s %v", hpa.Name, hpa.Labels)
	}
	if _, ok := hpa.Labels[v1alpha1.LabelFallbackReadsReplicas]; ok {
		t.Errorf("labels = %v: %s set without a fallback", hpa.Labels, v1alpha1.LabelFallbackReadsReplicas)
	}
	if !metav1.IsControlledBy(hpa, f.objects[0]) {
		t.Errorf("owner references = %+v, want controller ScaledObject so", hpa.OwnerReferences)
	}
	want := autoscalingv2.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
		MinReplicas:    ptr.To[int32](1),
		MaxReplicas:    7,
		Behavior:       behavior,
		Metrics: []autoscalingv2.MetricSpec{{
			Type: autoscalingv2.ExternalMetricSourceType,
			External: &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "s0-rabbitmq-orders", Selector: &metav1.LabelSelector{
					MatchLabels: map[string]string{v1alpha1.LabelScaledObjectName: "so"}}},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("5"))},
			},
		}},
	}
	if !equality.Semantic.DeepEqual(hpa.Spec, want) {
		t.Errorf("hpa spec:\n got %+v\nwant %+v", hpa.Spec, want)
	}

	st := f.appliedStatus()
	if st.HPAName != "keda-hpa-so" || st.ScaleTargetKind != "apps/v1.Deployment" ||
		st.ScaleTargetGVKR == nil || st.ScaleTargetGVKR.Resource != "deployments" ||
		ptr.Deref(st.OriginalReplicaCount, -1) != 2 || strings.Join(st.ExternalMetricNames, ",") != "s0-rabbitmq-orders" {
		t.Errorf("status = %+v", st)
	}
	if c := st.Condition(v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("Ready = %+v, want True", c)
	}
	if c := st.Condition(v1alpha1.ConditionActive); c != nil {
		t.Errorf("the activator wrote the adapter's Active condition: %+v", c)
	}
}

func TestHPANameFromAdvancedConfig(t *testing.T) {
	f := newFixture(t)
	f.objects = append(f.objects, scaledObject("so", func(so *v1alpha1.ScaledObject) {
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: "custom"}}
	}))
	f.replicas["deployments/web"] = 1
	f.run("so")
	f.expectWrites("apply horizontalpodautoscalers custom", "apply scaledobjects/status so")
}

func TestHPAMetricTargets(t *testing.T) {
	tests := []struct {
		name       string
		trigger    v1alpha1.ScaleTriggers
		want       autoscalingv2.MetricSpec
		wantReason string
	}{{
		name:    "external Value",
		trigger: v1alpha1.ScaleTriggers{Type: "rabbitmq", MetricType: autoscalingv2.ValueMetricType},
		want: autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
			Metric: autoscalingv2.MetricIdentifier{Name: "s0-rabbitmq-orders", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{v1alpha1.LabelScaledObjectName: "so"}}},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: ptr.To(resource.MustParse("5"))},
		}},
	}, {
		name:    "cpu Utilization",
		trigger: v1alpha1.ScaleTriggers{Type: "cpu", MetricType: autoscalingv2.UtilizationMetricType, Metadata: map[string]string{"value": "60"}},
		want: autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: "cpu", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr.To[int32](60)},
		}},
	}, {
		name:    "memory AverageValue in a container",
		trigger: v1alpha1.ScaleTriggers{Type: "memory", MetricType: autoscalingv2.AverageValueMetricType, Metadata: map[string]string{"value": "512Mi", "containerName": "app"}},
		want: autoscalingv2.MetricSpec{Type: autoscalingv2.ContainerResourceMetricSourceType, ContainerResource: &autoscalingv2.ContainerResourceMetricSource{
			Name: "memory", Container: "app", Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("512Mi"))},
		}},
	}, {
		name:       "cpu value not a percentage",
		trigger:    v1alpha1.ScaleTriggers{Type: "cpu", Metadata: map[string]string{"value": "lots"}},
		wantReason: ReasonInvalidTrigger,
	}, {
		name:       "external Utilization",
		trigger:    v1alpha1.ScaleTriggers{Type: "rabbitmq", MetricType: autoscalingv2.UtilizationMetricType},
		wantReason: ReasonInvalidTrigger,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(1, withMin(1), func(so *v1alpha1.ScaledObject) {
				so.Spec.Triggers = []v1alpha1.ScaleTriggers{tt.trigger}
				if isResourceTrigger(tt.trigger.Type) {
					so.Status.Triggers = nil // the adapter skips cpu and memory
				}
			})
			if tt.wantReason != "" {
				f.expectNotReady(tt.wantReason)
				return
			}
			hpa := f.appliedHPA()
			if len(hpa.Spec.Metrics) != 1 || !equality.Semantic.DeepEqual(hpa.Spec.Metrics[0], tt.want) {
				t.Errorf("metrics:\n got %+v\nwant %+v", hpa.Spec.Metrics, tt.want)
			}
		})
	}
}

func TestTriggerFailingKeepsHPA(t *testing.T) {
	f := newFixture(t)
	f.runSO(1, func(so *v1alpha1.ScaledObject) { so.Status.Triggers[0].Healthy = false })
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
	expectReady(t, f.appliedStatus(), metav1.ConditionFalse, ReasonTriggerFailing)
}

// TestWriteOnlyOnChange runs a sync, feeds what it wrote back into the
// caches, and expects a second sync to write nothing.
func TestWriteOnlyOnChange(t *testing.T) {
	first := newFixture(t)
	first.runSO(1)
	hpa := trackedHPA(t, first, "keda-hpa-so")
	if len(hpa.ManagedFields) == 0 {
		t.Fatal("the fake API server recorded no managed fields; the comparison would be vacuous")
	}

	second := fedBack(t, first, hpa)
	second.clock.Step(3600e9)
	second.run("so")
	second.expectWrites()
}

// TestEditedHPAIsPutBack changes the owned HPA as another field manager
// would and expects the next sync to apply it again.
func TestEditedHPAIsPutBack(t *testing.T) {
	first := newFixture(t)
	first.runSO(1)
	edited := trackedHPA(t, first, "keda-hpa-so")
	edited.Spec.MaxReplicas = 3
	edited, err := first.kube.AutoscalingV2().HorizontalPodAutoscalers(ns).Update(context.Background(), edited, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
	if err != nil {
		t.Fatal(err)
	}

	second := fedBack(t, first, edited)
	second.run("so")
	second.expectWrites("apply horizontalpodautoscalers keda-hpa-so")
	if got := second.appliedHPA().Spec.MaxReplicas; got != 100 {
		t.Errorf("maxReplicas put back to %d, want 100", got)
	}
}

// fedBack returns a fixture whose caches hold what first's sync of "so"
// wrote: the ScaledObject with its applied status, and hpa.
func fedBack(t *testing.T, first *fixture, hpa *autoscalingv2.HorizontalPodAutoscaler) *fixture {
	t.Helper()
	second := newFixture(t)
	so := scaledObject("so")
	mergeStatus(so, first.appliedStatus())
	second.objects = append(second.objects, so)
	second.hpas = append(second.hpas, hpa)
	second.replicas["deployments/web"] = 1
	return second
}

// trackedHPA returns the HPA as the fake API server stored it, managed
// fields included.
func trackedHPA(t *testing.T, f *fixture, name string) *autoscalingv2.HorizontalPodAutoscaler {
	t.Helper()
	obj, err := f.kube.Tracker().Get(hpaGVR, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*autoscalingv2.HorizontalPodAutoscaler)
}

// mergeStatus copies what the activator applied into so's status, as the
// API server would.
func mergeStatus(so *v1alpha1.ScaledObject, applied *v1alpha1.ScaledObjectStatus) {
	keep := so.Status.Conditions
	conds := applied.Conditions
	so.Status = *applied.DeepCopy()
	so.Status.Triggers = scaledObject("x").Status.Triggers
	so.Status.LastActiveTime = scaledObject("x").Status.LastActiveTime
	so.Status.Conditions = append(append([]v1alpha1.Condition{}, keep...), conds...)
}

// expectReady checks the Ready condition of an applied status.
func expectReady(t *testing.T, st *v1alpha1.ScaledObjectStatus, status metav1.ConditionStatus, reason string) {
	t.Helper()
	c := st.Condition(v1alpha1.ConditionReady)
	if c == nil || c.Status != status || c.Reason != reason {
		t.Errorf("Ready = %+v, want %s %s", c, status, reason)
	}
}

func TestResourceTriggersAloneCannotScaleToZero(t *testing.T) {
	f := newFixture(t)
	f.runSO(1, withMin(0), func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "cpu", Metadata: map[string]string{"value": "50"}}}
		so.Status.Triggers = nil
	})
	f.expectNotReady(ReasonInvalidTrigger)
}

// TestWaitingForAdapterKeepsHPAName adds a trigger the adapter has not
// reported yet: the HPA stays with the reported trigger, and the status
// keeps naming it.
func TestWaitingForAdapterKeepsHPAName(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so", func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = append(so.Spec.Triggers, v1alpha1.ScaleTriggers{Type: "kafka"})
		so.Status.HPAName = "keda-hpa-so"
		so.Status.ExternalMetricNames = []string{"s0-rabbitmq-orders"}
	})
	f.objects = append(f.objects, so)
	f.hpas = append(f.hpas, ownedHPAFor(so))
	f.replicas["deployments/web"] = 1
	f.run("so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
	st := f.appliedStatus()
	expectReady(t, st, metav1.ConditionFalse, ReasonWaitingForAdapter)
	if st.HPAName != "keda-hpa-so" || len(st.ExternalMetricNames) != 1 {
		t.Errorf("status dropped the HPA in place: %+v", st)
	}
}

// TestRenamedHPAReplacesOld changes advanced.horizontalPodAutoscalerConfig.name:
// the new HPA is applied and the old owned one deleted.
func TestRenamedHPAReplacesOld(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so")
	old := ownedHPAFor(so)
	so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: "renamed"}}
	f.objects = append(f.objects, so)
	f.hpas = append(f.hpas, old)
	f.replicas["deployments/web"] = 1
	f.run("so")
	f.expectWrites("delete horizontalpodautoscalers keda-hpa-so", "apply horizontalpodautoscalers renamed", "apply scaledobjects/status so")
}

// TestHPAFallbackReadsReplicasLabel: the HPA of an object whose fallback
// reads the current replica count carries the label sluice-adapter
// watches by; the object's own label of that key never reaches the HPA.
func TestHPAFallbackReadsReplicasLabel(t *testing.T) {
	for _, tt := range []struct {
		name     string
		behavior v1alpha1.FallbackBehavior
		want     string
	}{
		{"currentReplicas", v1alpha1.FallbackCurrentReplicas, "true"},
		{"static", v1alpha1.FallbackStatic, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, scaledObject("so", func(so *v1alpha1.ScaledObject) {
				so.Labels = map[string]string{v1alpha1.LabelFallbackReadsReplicas: "spoofed"}
				so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 2, Behavior: tt.behavior}
			}))
			f.replicas["deployments/web"] = 2
			f.run("so")
			if got := f.appliedHPA().Labels[v1alpha1.LabelFallbackReadsReplicas]; got != tt.want {
				t.Errorf("label %s = %q, want %q", v1alpha1.LabelFallbackReadsReplicas, got, tt.want)
			}
		})
	}
}
