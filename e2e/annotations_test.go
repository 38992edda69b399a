//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// annotationHold is how long a paused direction must hold once the HPA has
// seen the value that would move it: past the five-second cooldown and the
// HPA's downscale stabilisation, with several HPA syncs in between.
const annotationHold = 12 * time.Second

// annotate sets (value non-nil) or removes an annotation of the worker's
// ScaledObject.
func (w *worker) annotate(key string, value *string) {
	w.t.Helper()
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{key: value}}})
	if _, err := w.objects.Patch(context.Background(), "worker", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		w.t.Fatal(err)
	}
}

// hpa returns the worker's HPA.
func (w *worker) hpa() (*autoscalingv2.HorizontalPodAutoscaler, error) {
	return cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(w.ns).Get(context.Background(), "keda-hpa-worker", metav1.GetOptions{})
}

// waitSelectPolicy waits until the HPA's scaleDown (down) or scaleUp
// selectPolicy is Disabled (disabled) or not set to Disabled.
func (w *worker) waitSelectPolicy(down, disabled bool) {
	w.t.Helper()
	eventually(w.t, phase, fmt.Sprintf("HPA selectPolicy (scaleDown %t) Disabled=%t", down, disabled), func() error {
		hpa, err := w.hpa()
		if err != nil {
			return err
		}
		var rules *autoscalingv2.HPAScalingRules
		if b := hpa.Spec.Behavior; b != nil && down {
			rules = b.ScaleDown
		} else if b != nil {
			rules = b.ScaleUp
		}
		got := rules != nil && ptr.Deref(rules.SelectPolicy, "") == autoscalingv2.DisabledPolicySelect
		if got != disabled {
			return fmt.Errorf("behavior = %+v", hpa.Spec.Behavior)
		}
		return nil
	})
}

// waitHPASees waits until the HPA controller has read the external metric
// at the given average value per replica: from then on, it would scale.
func (w *worker) waitHPASees(average int64) {
	w.t.Helper()
	eventually(w.t, phase, fmt.Sprintf("the HPA sees an average of %d", average), func() error {
		hpa, err := w.hpa()
		if err != nil {
			return err
		}
		for _, m := range hpa.Status.CurrentMetrics {
			if e := m.External; e != nil && e.Current.AverageValue != nil && e.Current.AverageValue.Value() == average {
				return nil
			}
		}
		return fmt.Errorf("current metrics = %+v", hpa.Status.CurrentMetrics)
	})
}

// TestAnnotationPausedScaleIn: with paused-scale-in the activator keeps
// an inactive target at 1 past the cooldown, the HPA still scales out
// (1 → 9), and when the value drops to 0 the HPA does not scale in; once
// the annotation goes, both scale in (9 → 1 → 0).
func TestAnnotationPausedScaleIn(t *testing.T) {
	w := newWorker(t, 3, 0)
	waitReplicas(t, phase, "activated to 1", 1, w.replicas)
	w.annotate(v1alpha1.AnnotationPausedScaleIn, ptr.To("true"))
	w.waitSelectPolicy(true, true)

	w.src.set(0)
	waitActive(t, w, metav1.ConditionFalse)
	w.holdReplicas(annotationHold, "scale-in paused, inactive at 1", 1)

	w.src.set(42)
	waitReplicas(t, phase, "scale-out still works: ceil(42/5)", 9, w.replicas)
	w.src.set(0)
	w.waitHPASees(0)
	w.holdReplicas(annotationHold, "scale-in paused, value 0 at 9", 9)

	w.annotate(v1alpha1.AnnotationPausedScaleIn, nil)
	w.waitSelectPolicy(true, false)
	waitReplicas(t, phase, "resumed: down to 0", 0, w.replicas)
}

// TestAnnotationPausedScaleOut: with paused-scale-out an active object
// stays at 0 (no activation), and at 1 the HPA does not follow a rising
// value; once the annotation goes, it does.
func TestAnnotationPausedScaleOut(t *testing.T) {
	w := newWorker(t, 3, 0, func(so *v1alpha1.ScaledObject) {
		so.Annotations = map[string]string{v1alpha1.AnnotationPausedScaleOut: "true"}
	})
	waitActive(t, w, metav1.ConditionTrue)
	w.waitSelectPolicy(false, true)
	w.holdReplicas(annotationHold, "scale-out paused, active at 0", 0)

	w.annotate(v1alpha1.AnnotationPausedScaleOut, nil)
	waitReplicas(t, phase, "resumed: activated to 1", 1, w.replicas)
	w.annotate(v1alpha1.AnnotationPausedScaleOut, ptr.To("true"))
	w.waitSelectPolicy(false, true)
	w.src.set(42)
	w.waitHPASees(42)
	w.holdReplicas(annotationHold, "scale-out paused, value 42 at 1 replica", 1)

	w.annotate(v1alpha1.AnnotationPausedScaleOut, nil)
	waitReplicas(t, phase, "resumed: the HPA scales to 9", 9, w.replicas)
}

// TestAnnotationForceActivation: force-activation takes the target from 0
// to 1 with no work and keeps it there past the cooldown; the labels named
// by hpa-excluded-labels are not on the HPA. Removing the annotation lets
// the target go back to 0.
func TestAnnotationForceActivation(t *testing.T) {
	w := newWorker(t, 0, 0, func(so *v1alpha1.ScaledObject) {
		so.Labels = map[string]string{"team": "payments", "tier": "batch", "app": "worker"}
		so.Annotations = map[string]string{
			v1alpha1.AnnotationForceActivation:   "true",
			v1alpha1.AnnotationHPAExcludedLabels: "team, tier",
		}
	})
	waitReplicas(t, phase, "forced 0 → 1 with no work", 1, w.replicas)
	hpa, err := w.hpa()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hpa.Labels["team"]; ok || hpa.Labels["tier"] != "" || hpa.Labels["app"] != "worker" {
		t.Errorf("HPA labels = %v, want app without team and tier", hpa.Labels)
	}
	waitActive(t, w, metav1.ConditionFalse)
	w.holdReplicas(annotationHold, "forced active, cooldown 5s", 1)

	w.annotate(v1alpha1.AnnotationForceActivation, nil)
	waitReplicas(t, phase, "no longer forced: back to 0", 0, w.replicas)

	w.annotate(v1alpha1.AnnotationForceActivation, ptr.To("maybe"))
	w.waitObject("Ready=False naming the annotation", func(so *v1alpha1.ScaledObject) error {
		c := so.Status.Condition(v1alpha1.ConditionReady)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != "InvalidAnnotation" {
			return fmt.Errorf("Ready = %+v", c)
		}
		return nil
	})
}
