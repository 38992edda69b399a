//go:build e2e

package e2e

import (
	"testing"
	"time"
)

// TestFaultSourceFailsDuringCooldown: the object went inactive and, before
// the cooldown ends, its source starts failing. Unknown is not inactive:
// the target never goes to 0.
func TestFaultSourceFailsDuringCooldown(t *testing.T) {
	const cooldown = 10
	w := newCoolingWorker(t, cooldown)
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
	w := newCoolingWorker(t, cooldown)
	w.adapter.Kill()
	w.holdReplicas((cooldown+12)*time.Second, "adapter killed -9", 1)
	restarted := time.Now()
	w.adapter = startAdapter(t, "--watch-namespace="+w.ns)
	waitReplicas(t, phase, "deactivated once a new adapter answers", 0, w.replicas)
	t.Logf("FIGURE adapter-killed: held at 1 for %ds with the adapter dead; 0 reached %.1fs after a new adapter started",
		cooldown+12, time.Since(restarted).Seconds())
}
