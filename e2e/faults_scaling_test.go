//go:build e2e

package e2e

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// waitActive waits until the worker's Active condition has status want.
func waitActive(t *testing.T, w *worker, want metav1.ConditionStatus) {
	t.Helper()
	waitObjectActive(t, w.ns, "worker", want)
}

// TestFaultSourceFailsDuringCooldown: the object went inactive and, before
// the cooldown ends, its source starts failing. Unknown is not inactive:
// the target never goes to 0.
func TestFaultSourceFailsDuringCooldown(t *testing.T) {
	const cooldown = 10
	w := newWorker(t, 3, 0, func(so *v1alpha1.ScaledObject) { so.Spec.CooldownPeriod = ptr.To[int32](cooldown) })
	waitReplicas(t, phase, "activated to 1", 1, w.replicas)
	w.src.set(0)
	waitActive(t, w, metav1.ConditionFalse)
	w.src.fail.Store(true)
	w.holdReplicas((cooldown+15)*time.Second, "source failing since before the cooldown ended", 1)
	t.Logf("FIGURE source-fails-in-cooldown: held at 1 for %ds past a %ds cooldown", cooldown+15, cooldown)
}

// TestFaultAdapterKilledWhileInactive: the adapter is killed -9 at
// replicas 1 right after the object went inactive. The target stays at 1
// while no adapter confirms the metrics; a new adapter brings the fresh
// evidence and the target goes to 0.
func TestFaultAdapterKilledWhileInactive(t *testing.T) {
	const cooldown = 8
	w := newWorker(t, 3, 0, func(so *v1alpha1.ScaledObject) { so.Spec.CooldownPeriod = ptr.To[int32](cooldown) })
	waitReplicas(t, phase, "activated to 1", 1, w.replicas)
	w.src.set(0)
	waitActive(t, w, metav1.ConditionFalse)
	w.adapter.Kill()
	w.holdReplicas((cooldown+12)*time.Second, "adapter killed -9", 1)
	restarted := time.Now()
	w.adapter = startAdapter(t, "--watch-namespace="+w.ns)
	waitReplicas(t, phase, "deactivated once a new adapter answers", 0, w.replicas)
	t.Logf("FIGURE adapter-killed: held at 1 for %ds with the adapter dead; 0 reached %.1fs after a new adapter started",
		cooldown+12, time.Since(restarted).Seconds())
}
