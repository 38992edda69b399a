//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// waitFallbackCondition waits until w's Fallback condition is True with
// inMessage in its message (any message when inMessage is empty).
func waitFallbackCondition(t *testing.T, w *worker, inMessage string) {
	t.Helper()
	w.waitObject("Fallback=True: "+inMessage, func(so *v1alpha1.ScaledObject) error {
		if c := so.Status.Condition(v1alpha1.ConditionFallback); c == nil || c.Status != metav1.ConditionTrue || !strings.Contains(c.Message, inMessage) {
			return fmt.Errorf("Fallback = %+v", c)
		}
		return nil
	})
}

// waitComposite waits until composite-metric is served as want.
func waitComposite(t *testing.T, w *worker, what, want string) {
	t.Helper()
	eventually(t, phase, what, func() error {
		v, err := compositeValue(t, w)
		if err == nil && v != want {
			err = fmt.Errorf("value %s, want %s", v, want)
		}
		return err
	})
}

// TestCompositeFallbackModifiers: with fallback.behavior scalingModifiers a
// trigger past its failure threshold reads as nil in the formula, so that
// `b ?? 0` keeps the real HPA scaling on the other trigger while b fails;
// when b recovers the formula reads it again.
func TestCompositeFallbackModifiers(t *testing.T) {
	b := newValueServer(t, 10)
	w := newWorker(t, 10, 0, compositeOf(b, "a + (b ?? 0)", "5", ""), func(so *v1alpha1.ScaledObject) {
		so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 7, Behavior: v1alpha1.FallbackScalingModifiers}
	})
	waitReplicas(t, phase, "the HPA scales to (10+10)/5", 4, w.replicas)

	b.fail.Store(true)
	waitComposite(t, w, "b reads as nil: a + 0", "10")
	waitReplicas(t, phase, "the HPA scales on a alone: 10/5", 2, w.replicas)
	waitFallbackCondition(t, w, "read as nil")
	w.src.set(30)
	waitReplicas(t, phase, "still scaling on a while b fails: 30/5", 6, w.replicas)

	b.fail.Store(false)
	b.set(10)
	waitReplicas(t, phase, "the formula reads b again: (30+10)/5", 8, w.replicas)
}

// TestCompositeFallbackCurrentReplicas: a composite with fallback.behavior
// currentReplicas holds the HPA's current count while a trigger the
// formula reads fails, served as current × target (not fallback.replicas ×
// target, and not a 503).
func TestCompositeFallbackCurrentReplicas(t *testing.T) {
	b := newValueServer(t, 10)
	w := newWorker(t, 10, 0, compositeOf(b, "a + b", "5", ""), func(so *v1alpha1.ScaledObject) {
		so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 7, Behavior: v1alpha1.FallbackCurrentReplicas}
	})
	waitReplicas(t, phase, "the HPA scales to (10+10)/5", 4, w.replicas)
	waitHPAReplicas(t, w.ns, "worker", 4)

	b.fail.Store(true)
	waitComposite(t, w, "the composite holds the current 4 replicas: 4 × 5", "20")
	waitFallbackCondition(t, w, "the current replica count")
	w.holdReplicas(3*time.Second, "currentReplicas holds 4, not fallback.replicas 7", 4)

	b.fail.Store(false)
	b.set(20)
	waitReplicas(t, phase, "the formula again: (10+20)/5", 6, w.replicas)
}
