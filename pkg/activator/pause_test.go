package activator

import (
	"strings"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// ownedHPAFor is an HPA the ScaledObject controls.
func ownedHPAFor(so *v1alpha1.ScaledObject) *autoscalingv2.HorizontalPodAutoscaler {
	h := foreignHPA(so.HPAName())
	h.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(so, v1alpha1.SchemeGroupVersion.WithKind("ScaledObject"))}
	return h
}

func TestPause(t *testing.T) {
	tests := []struct {
		name         string
		annotations  map[string]string
		replicas     int32
		wantWrites   []string
		wantPaused   metav1.ConditionStatus
		wantHeld     *int32
		wantReady    string
		wantEventFor string
	}{{
		name:        "paused deletes the hpa and holds replicas",
		annotations: map[string]string{v1alpha1.AnnotationPaused: "true"},
		replicas:    0,
		wantWrites:  []string{"delete horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so"},
		wantPaused:  metav1.ConditionTrue, wantReady: ReasonReady,
	}, {
		name:        "paused-replicas scales to N",
		annotations: map[string]string{v1alpha1.AnnotationPausedReplicas: "2"},
		replicas:    5,
		wantWrites:  []string{"delete horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so", "update deployments/scale web=2"},
		wantPaused:  metav1.ConditionTrue, wantHeld: ptr.To[int32](2), wantReady: ReasonReady,
		wantEventFor: ReasonPausedReplicas,
	}, {
		name:        "paused-replicas wins over paused false",
		annotations: map[string]string{v1alpha1.AnnotationPausedReplicas: "0", v1alpha1.AnnotationPaused: "false"},
		replicas:    0,
		wantWrites:  []string{"delete horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so"},
		wantPaused:  metav1.ConditionTrue, wantHeld: ptr.To[int32](0), wantReady: ReasonReady,
	}, {
		name:        "invalid paused-replicas",
		annotations: map[string]string{v1alpha1.AnnotationPausedReplicas: "two"},
		replicas:    5,
		wantWrites:  []string{"apply scaledobjects/status so"},
		wantPaused:  metav1.ConditionFalse, wantReady: ReasonInvalidAnnotation,
		wantEventFor: ReasonInvalidAnnotation,
	}, {
		name:        "invalid paused",
		annotations: map[string]string{v1alpha1.AnnotationPaused: "yes please"},
		replicas:    5,
		wantWrites:  []string{"apply scaledobjects/status so"},
		wantPaused:  metav1.ConditionFalse, wantReady: ReasonInvalidAnnotation,
		wantEventFor: ReasonInvalidAnnotation,
	}, {
		name:        "paused false resumes",
		annotations: map[string]string{v1alpha1.AnnotationPaused: "false"},
		replicas:    1,
		wantWrites:  []string{"apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so"},
		wantPaused:  metav1.ConditionFalse, wantReady: ReasonReady,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			so := scaledObject("so", active)
			for k, v := range tt.annotations {
				withAnnotation(k, v)(so)
			}
			f.objects = append(f.objects, so)
			f.hpas = append(f.hpas, ownedHPAFor(so))
			f.replicas["deployments/web"] = tt.replicas
			f.run("so")
			f.expectWrites(tt.wantWrites...)
			st := f.appliedStatus()
			if c := st.Condition(v1alpha1.ConditionPaused); c == nil || c.Status != tt.wantPaused {
				t.Errorf("Paused = %+v, want %s", c, tt.wantPaused)
			}
			if !ptr.Equal(st.PausedReplicaCount, tt.wantHeld) {
				t.Errorf("pausedReplicaCount = %v, want %v", ptr.Deref(st.PausedReplicaCount, -1), ptr.Deref(tt.wantHeld, -1))
			}
			if c := st.Condition(v1alpha1.ConditionReady); c == nil || c.Reason != tt.wantReady {
				t.Errorf("Ready = %+v, want reason %s", c, tt.wantReady)
			}
			if ev := strings.Join(f.events(), "\n"); tt.wantEventFor != "" && !strings.Contains(ev, tt.wantEventFor) {
				t.Errorf("events = %q, want %s", ev, tt.wantEventFor)
			}
		})
	}
}

// TestResumeAfterPause removes the annotation from a paused object: the HPA
// comes back and Paused turns False.
func TestResumeAfterPause(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so", withCondition(v1alpha1.ConditionPaused, metav1.ConditionTrue, t0.Add(-time1h)), func(so *v1alpha1.ScaledObject) {
		so.Status.PausedReplicaCount = ptr.To[int32](2)
	})
	f.objects = append(f.objects, so)
	f.replicas["deployments/web"] = 2
	f.run("so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
	st := f.appliedStatus()
	if c := st.Condition(v1alpha1.ConditionPaused); c == nil || c.Status != metav1.ConditionFalse || !c.LastTransitionTime.Time.Equal(t0) {
		t.Errorf("Paused = %+v, want False since now", c)
	}
	if st.PausedReplicaCount != nil {
		t.Errorf("pausedReplicaCount = %d, want released", *st.PausedReplicaCount)
	}
}
