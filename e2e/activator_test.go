//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// phase bounds every wait of these tests; the HPA controller syncs every
// second and stabilises downscales over five.
const phase = 90 * time.Second

// scalingObject is a ScaledObject for a Deployment of the same name: one
// metrics-api trigger (target 5 per replica), 0..10 replicas, a five-second
// cooldown.
func scalingObject(ns, name, url string, mutate ...func(*v1alpha1.ScaledObject)) *v1alpha1.ScaledObject {
	return metricsAPIObject(ns, name, url, append([]func(*v1alpha1.ScaledObject){func(so *v1alpha1.ScaledObject) {
		so.Spec.CooldownPeriod = ptr.To[int32](5)
		so.Spec.MinReplicaCount = ptr.To[int32](0)
		so.Spec.MaxReplicaCount = ptr.To[int32](10)
	}}, mutate...)...)
}

// TestActivatorScalesZeroToNAndBack follows the whole story with the real
// HPA controller: 0 → 1 on activity, 1 → n by the HPA, n → 1 by the HPA,
// 1 → 0 after the cooldown.
func TestActivatorScalesZeroToNAndBack(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t, 0, 0)
	src, replicas := w.src, w.replicas
	eventually(t, phase, "the HPA exists", func() error {
		_, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(w.ns).Get(ctx, "keda-hpa-worker", metav1.GetOptions{})
		return err
	})
	w.holdReplicas(3*time.Second, "idle at 0", 0)

	src.set(3)
	waitReplicas(t, phase, "activated to 1", 1, replicas)
	src.set(42)
	waitReplicas(t, phase, "the HPA scales to ceil(42/5)", 9, replicas)
	// The HPA takes 9 to its floor, 1, and only from there does the
	// activator go to 0 after the cooldown. When the HPA is slower than the
	// cooldown the floor lasts an instant, so the order is read from a watch.
	history := recordReplicas(t, w.ns, "worker")
	src.set(0)
	history.waitPassedThrough(t, phase, "the HPA scales back to 1, then the activator to 0 after the cooldown", 9, 1, 0)
	waitReplicas(t, phase, "deactivated to 0 after the cooldown", 0, replicas)

	w.waitObject("status from both writers", func(so *v1alpha1.ScaledObject) error {
		if c := so.Status.Condition(v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Ready = %+v, want True", c)
		}
		if so.Status.HPAName != "keda-hpa-worker" || len(so.Status.ExternalMetricNames) != 1 {
			return fmt.Errorf("hpaName %q, externalMetricNames %v", so.Status.HPAName, so.Status.ExternalMetricNames)
		}
		if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionFalse {
			return fmt.Errorf("Active = %+v: the activator's writes must leave the adapter's condition", c)
		}
		return nil
	})
}

// TestActivatorHoldsWhenSourceFails: a failing source is unknown, not
// inactive, so the target stays at 1 well past the cooldown.
func TestActivatorHoldsWhenSourceFails(t *testing.T) {
	w := newWorker(t, 3, 0)
	waitReplicas(t, phase, "activated to 1", 1, w.replicas)
	w.src.fail.Store(true)
	w.holdReplicas(15*time.Second, "source failing, cooldown 5s", 1)
}

// TestActivatorPause covers both pause annotations and resuming.
func TestActivatorPause(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t, 3, 0)
	src, replicas, keda := w.src, w.replicas, w.objects
	waitReplicas(t, phase, "activated to 1", 1, replicas)
	hpas := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(w.ns)
	annotate := func(key string, value *string) {
		t.Helper()
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]any{key: value}}})
		if _, err := keda.Patch(ctx, "worker", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	annotate(v1alpha1.AnnotationPaused, ptr.To("true"))
	eventually(t, phase, "the HPA is removed while paused", func() error {
		return gone(hpas.Get(ctx, "keda-hpa-worker", metav1.GetOptions{}))
	})
	src.set(42)
	w.holdReplicas(5*time.Second, "paused", 1)

	annotate(v1alpha1.AnnotationPaused, nil)
	waitReplicas(t, phase, "resumed: the HPA scales to 9", 9, replicas)

	annotate(v1alpha1.AnnotationPausedReplicas, ptr.To("3"))
	waitReplicas(t, phase, "paused-replicas sets 3", 3, replicas)
	w.holdReplicas(5*time.Second, "paused-replicas holds 3", 3)
	so, err := keda.Get(ctx, "worker", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := so.Status.Condition(v1alpha1.ConditionPaused); c == nil || c.Status != metav1.ConditionTrue || ptr.Deref(so.Status.PausedReplicaCount, -1) != 3 {
		t.Errorf("Paused = %+v, pausedReplicaCount %v", c, so.Status.PausedReplicaCount)
	}
}

// TestActivatorRestoresOriginalReplicas deletes a ScaledObject with
// restoreToOriginalReplicaCount: the target goes back to the count it had.
func TestActivatorRestoresOriginalReplicas(t *testing.T) {
	ctx := context.Background()
	w := newWorker(t, 0, 2, func(so *v1alpha1.ScaledObject) {
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{RestoreToOriginalReplicaCount: true}
	})
	replicas, keda := w.replicas, w.objects
	waitReplicas(t, phase, "inactive: scaled down to 0", 0, replicas)
	if err := keda.Delete(ctx, "worker", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, phase, "restored to the original 2", 2, replicas)
	eventually(t, phase, "the ScaledObject is gone", func() error {
		return gone(keda.Get(ctx, "worker", metav1.GetOptions{}))
	})
}
