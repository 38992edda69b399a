package activator

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestScaleTargetResolution(t *testing.T) {
	tests := []struct {
		name, apiVersion, kind string
		replicasKey            string
		wantKind               string
		wantReason             string
	}{
		{name: "deployment by default", replicasKey: "deployments/web", wantKind: "apps/v1.Deployment"},
		{name: "statefulset", apiVersion: "apps/v1", kind: "StatefulSet", replicasKey: "statefulsets/web", wantKind: "apps/v1.StatefulSet"},
		{name: "custom resource with /scale", apiVersion: "example.com/v1", kind: "Widget", replicasKey: "widgets/web", wantKind: "example.com/v1.Widget"},
		{name: "custom resource without /scale", apiVersion: "example.com/v1", kind: "Gadget", replicasKey: "gadgets/web", wantReason: ReasonTargetHasNoScale},
		{name: "unknown kind", apiVersion: "example.com/v1", kind: "Nope", wantReason: ReasonTargetNotFound},
		{name: "missing deployment", wantReason: ReasonTargetNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, scaledObject("so", func(so *v1alpha1.ScaledObject) {
				so.Spec.ScaleTargetRef.APIVersion, so.Spec.ScaleTargetRef.Kind = tt.apiVersion, tt.kind
			}))
			if tt.replicasKey != "" {
				f.replicas[tt.replicasKey] = 1
			}
			f.run("so")
			st := f.appliedStatus()
			if tt.wantReason != "" {
				f.expectNotReady(tt.wantReason)
				return
			}
			f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
			if st.ScaleTargetKind != tt.wantKind {
				t.Errorf("scaleTargetKind = %q, want %q", st.ScaleTargetKind, tt.wantKind)
			}
			if ref := f.appliedHPA().Spec.ScaleTargetRef; ref.Name != "web" || st.ScaleTargetKind != ref.APIVersion+"."+ref.Kind {
				t.Errorf("hpa scaleTargetRef = %+v", ref)
			}
		})
	}
}

// TestMissingTargetIsLookedForAgain: nothing watches scale targets, so a
// ScaledObject applied before its Deployment is reconciled again after its
// polling interval instead of waiting for an unrelated event.
func TestMissingTargetIsLookedForAgain(t *testing.T) {
	tests := []struct {
		name     string
		interval *int32
		want     time.Duration
	}{
		{"default interval", nil, 30 * time.Second},
		{"short interval", ptr.To[int32](1), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, scaledObject("so", func(so *v1alpha1.ScaledObject) {
				so.Spec.PollingInterval = tt.interval
			}))
			if after := f.run("so"); after != tt.want {
				t.Errorf("requeue after %v, want %v", after, tt.want)
			}
			expectReady(t, f.appliedStatus(), metav1.ConditionFalse, ReasonTargetNotFound)
		})
	}
}

// foreignHPA is an HPA someone else made for Deployment web.
func foreignHPA(name string) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: types.UID("uid-hpa-" + name)},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			MinReplicas:    ptr.To[int32](1), MaxReplicas: 4,
		},
	}
}

func TestHPAOwnershipConflict(t *testing.T) {
	adopt := func(name string) soMod {
		return func(so *v1alpha1.ScaledObject) {
			withAnnotation(v1alpha1.AnnotationTransferHPAOwnership, "true")(so)
			so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: name}}
		}
	}
	tests := []struct {
		name      string
		hpa       *autoscalingv2.HorizontalPodAutoscaler
		mods      []soMod
		wantApply string
	}{
		{name: "foreign hpa on the same workload", hpa: foreignHPA("web")},
		{name: "foreign hpa holding our name", hpa: func() *autoscalingv2.HorizontalPodAutoscaler {
			h := foreignHPA("keda-hpa-so")
			h.Spec.ScaleTargetRef.Name = "other"
			return h
		}()},
		{name: "transfer annotation without naming the hpa", hpa: foreignHPA("web"), mods: []soMod{withAnnotation(v1alpha1.AnnotationTransferHPAOwnership, "true")}},
		{name: "transfer annotation adopts the named hpa", hpa: foreignHPA("web"), mods: []soMod{adopt("web")}, wantApply: "web"},
		{name: "hpa on another workload", hpa: func() *autoscalingv2.HorizontalPodAutoscaler {
			h := foreignHPA("other")
			h.Spec.ScaleTargetRef.Name = "other"
			return h
		}(), wantApply: "keda-hpa-so"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.hpas = append(f.hpas, tt.hpa)
			f.runSO(1, tt.mods...)
			if tt.wantApply == "" {
				f.expectNotReady(ReasonHPAConflict)
				return
			}
			f.expectWrites("apply horizontalpodautoscalers "+tt.wantApply, "apply scaledobjects/status so")
			if hpa := f.appliedHPA(); !metav1.IsControlledBy(hpa, f.objects[0]) {
				t.Errorf("applied hpa not controlled by the ScaledObject: %+v", hpa.OwnerReferences)
			}
		})
	}
}

func TestDuplicateTarget(t *testing.T) {
	older := func(so *v1alpha1.ScaledObject) { so.CreationTimestamp = metav1.NewTime(t0.Add(-2 * time.Hour)) }
	tests := []struct {
		name      string
		first     *v1alpha1.ScaledObject
		second    *v1alpha1.ScaledObject
		wantReady metav1.ConditionStatus
	}{
		{name: "the later one is not ready", first: scaledObject("a", older), second: scaledObject("b"), wantReady: metav1.ConditionFalse},
		{name: "the earlier one proceeds", first: scaledObject("b"), second: scaledObject("a", older), wantReady: metav1.ConditionTrue},
		{name: "same time: by name", first: scaledObject("a"), second: scaledObject("b"), wantReady: metav1.ConditionFalse},
		{name: "earlier one being deleted", first: scaledObject("a", older, func(so *v1alpha1.ScaledObject) {
			so.DeletionTimestamp = ptr.To(metav1.NewTime(t0))
		}), second: scaledObject("b"), wantReady: metav1.ConditionTrue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, tt.first, tt.second)
			f.replicas["deployments/web"] = 1
			f.run(tt.second.Name)
			if tt.wantReady == metav1.ConditionFalse {
				f.expectWrites("apply scaledobjects/status " + tt.second.Name)
				expectReady(t, f.appliedStatus(), metav1.ConditionFalse, ReasonDuplicateTarget)
				return
			}
			f.expectWrites("apply horizontalpodautoscalers keda-hpa-"+tt.second.Name, "apply scaledobjects/status "+tt.second.Name)
		})
	}
}
