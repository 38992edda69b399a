//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// TestHAKillBothLeaders runs two replicas of each program, as the
// Deployments do: two adapters behind one APIService (a TCP balancer plays
// the Service) and two activators, each pair electing a leader. Both
// leaders are killed with SIGKILL while the workload is idle at 0; the
// standbys take over once the Leases expire: the new adapter leader
// publishes Active=True when work arrives and the new activator leader
// scales 0 → 1. Metric reads through kube-apiserver go on throughout.
func TestHAKillBothLeaders(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	dir := t.TempDir()
	cert, err := testenv.NewServingCert(dir, testenv.AnyAPIServiceHost(""))
	if err != nil {
		t.Fatal(err)
	}
	lb := newBalancer(t)
	var adapters, activators [2]*testenv.Process
	sub := func(name string) string {
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for i := range adapters {
		p, addrs := startProgram(t, sub(fmt.Sprint("adapter-", i)), "sluice-adapter", adapterArgs(cert.CertFile, cert.KeyFile,
			"--namespace="+ns,
			"--watch-namespace="+ns,
			"--leader-elect-lease-name=ha-adapter",
		), boundaddrs.Secure)
		adapters[i] = p
		lb.add(addrs[boundaddrs.Secure].String())
	}
	registerAdapter(t, lb.port(), cert.CABundle)
	for i := range activators {
		activators[i], _ = startProgram(t, sub(fmt.Sprint("activator-", i)), "sluice-activator", activatorArgs(ns,
			"--leader-elect-lease-name=ha-activator",
			"--leader-elect-lease-namespace="+ns,
		))
	}
	createDeployment(t, ns, "worker", 0)
	src := newValueServer(t, 0)
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	if _, err := objects.Create(ctx, scalingObject(ns, "worker", src.URL), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	replicas := func() int32 { return deploymentReplicas(t, ns, "worker") }
	waitObjectActive(t, ns, "worker", metav1.ConditionFalse) // from the first adapter leader
	src.set(3)
	waitReplicas(t, phase, "activated to 1 by the first activator leader", 1, replicas)
	src.set(0)
	waitReplicas(t, phase, "back to 0 after the cooldown", 0, replicas)

	leader := func(ps [2]*testenv.Process) (lead, standby *testenv.Process) {
		for i, p := range ps {
			if leads(t, p) {
				return p, ps[1-i]
			}
		}
		t.Fatal("no replica leads")
		return nil, nil
	}
	adapterLeader, adapterStandby := leader(adapters)
	activatorLeader, activatorStandby := leader(activators)
	if leads(t, adapterStandby) || leads(t, activatorStandby) {
		t.Fatal("both replicas of a program led")
	}

	reads := startReader(t, ns, "s0-metric-api-value", "worker")
	killed := time.Now()
	adapterLeader.Kill()
	activatorLeader.Kill()
	src.set(3)
	eventually(t, phase, "the standby adapter leads", func() error {
		if !leads(t, adapterStandby) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	adapterTook := time.Since(killed)
	waitObjectActive(t, ns, "worker", metav1.ConditionTrue) // written by the new adapter leader
	statusAt := time.Since(killed)
	waitReplicas(t, phase, "activated to 1 by the new activator leader", 1, replicas)
	scaledAt := time.Since(killed)
	if !leads(t, activatorStandby) {
		t.Error("scaled, but the standby activator never logged leading")
	}
	after := reads.ok.Load()
	eventually(t, phase, "20 more metric reads after the handover", func() error {
		if n := reads.ok.Load() - after; n < 20 {
			return fmt.Errorf("%d reads", n)
		}
		return nil
	})
	reads.stop()
	t.Logf("FIGURE HA: leaders killed; standby adapter leading after %.1fs, Active=True written after %.1fs, 0 → 1 after %.1fs (lease duration 15s); metric reads through kube-apiserver: %d ok, %d failed (connections to the killed replica) %v",
		adapterTook.Seconds(), statusAt.Seconds(), scaledAt.Seconds(), reads.ok.Load(), reads.failed.Load(), reads.errs)
	if adapterStandby.Exited() || activatorStandby.Exited() {
		t.Fatal("a standby exited")
	}
}
