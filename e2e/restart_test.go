//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// TestAPIServerRestartPastRenewDeadline: kube-apiserver goes down, with the
// adapter and the activator (both elected, default lease timings) running,
// one object at 3 replicas with work waiting and one at 0 with none. It
// stays down until both programs have given up their terms (past the renew
// deadline), then starts again on the same address. What a user sees: the
// busy workload never drops to 0 and the idle one never goes up; both
// programs serve /readyz and lead again; the HPA reads fresh metrics; a new
// Active transition is written; a new object scales 0 → 1; one HPA per
// object.
func TestAPIServerRestartPastRenewDeadline(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	a := startAdapter(t, "--watch-namespace="+ns, "--leader-elect-lease-name=adapter-"+ns)
	act, actAddrs := startProgram(t, t.TempDir(), "sluice-activator", activatorArgs(ns,
		"--leader-elect=true",
		"--leader-elect-lease-namespace=default",
		"--leader-elect-lease-name=activator-"+ns,
	))
	adapterAddr := fmt.Sprintf("127.0.0.1:%d", a.metricsPort)
	activatorAddr := actAddrs[boundaddrs.Metrics].String()
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	sources := map[string]*valueServer{}
	create := func(name string, value float64) {
		t.Helper()
		sources[name] = newValueServer(t, value)
		createDeployment(t, ns, name, 0)
		if _, err := objects.Create(ctx, scalingObject(ns, name, sources[name].URL), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	replicas := func(name string) func() int32 { return func() int32 { return deploymentReplicas(t, ns, name) } }
	active := func(name string) (*v1alpha1.Condition, error) {
		so, err := objects.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		if c := so.Status.Condition(v1alpha1.ConditionActive); c != nil {
			return c, nil
		}
		return nil, fmt.Errorf("no Active condition yet")
	}
	activeIs := func(name string, want metav1.ConditionStatus) func() error {
		return func() error {
			c, err := active(name)
			if err == nil && c.Status != want {
				err = fmt.Errorf("Active = %s, want %s", c.Status, want)
			}
			return err
		}
	}

	create("busy", 12) // ceil(12/5) = 3
	create("idle", 0)
	waitReplicas(t, phase, "busy scaled to ceil(12/5)", 3, replicas("busy"))
	eventually(t, phase, "idle published inactive", activeIs("idle", metav1.ConditionFalse))
	holdReplicas(t, 2*time.Second, "idle at 0", 0, ns, "idle")
	eventually(t, phase, "both programs lead", func() error {
		if !leads(t, a.Process) || !leads(t, act) {
			return fmt.Errorf("adapter leads %v, activator leads %v", leads(t, a.Process), leads(t, act))
		}
		return nil
	})

	watch := watchReplicas(ns, map[string][2]int32{"busy": {1, 10}, "idle": {0, 0}})
	t.Cleanup(func() { _, _, _ = watch.stop() })
	// Should the test end while kube-apiserver is down, the tests after it
	// still need one.
	t.Cleanup(func() {
		if err := cluster.StartAPIServer(context.Background()); err != nil {
			t.Errorf("start kube-apiserver again: %v", err)
		}
	})
	const lost = "lost the Lease"
	lostBefore := [2]int{logCount(t, a.Process, lost), logCount(t, act, lost)}
	ledBefore := [2]int{logCount(t, a.Process, "leading"), logCount(t, act, "leading")}
	stopping := time.Now()
	cluster.StopAPIServer()
	stopped := time.Now()
	notReady := 0 // /readyz answers other than 200 while kube-apiserver is down
	eventually(t, phase, "both programs give up their terms", func() error {
		for _, addr := range []string{adapterAddr, activatorAddr} {
			if readyzOK(ctx, addr) != nil {
				notReady++
			}
		}
		if logCount(t, a.Process, lost) <= lostBefore[0] || logCount(t, act, lost) <= lostBefore[1] {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	down := time.Since(stopping)
	starting := time.Now()
	if err := cluster.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	serving := started.Sub(starting)

	adapterReady := since(t, starting, "the adapter's /readyz", func() error { return readyzOK(ctx, adapterAddr) })
	activatorReady := since(t, starting, "the activator's /readyz", func() error { return readyzOK(ctx, activatorAddr) })
	leadAgain := since(t, starting, "both programs lead again", func() error {
		if logCount(t, a.Process, "leading") <= ledBefore[0] || logCount(t, act, "leading") <= ledBefore[1] {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	if err := cluster.WaitAPIServiceAvailable(ctx, "external.metrics.k8s.io", "v1beta1", phase); err != nil {
		t.Fatal(err)
	}
	sources["busy"].set(22) // ceil(22/5) = 5
	hpaReads := since(t, starting, "the HPA scales busy on a fresh metric", func() error {
		if n := replicas("busy")(); n != 5 {
			return fmt.Errorf("busy at %d, want 5", n)
		}
		return nil
	})
	reads, failed, violations := watch.stop()
	if len(violations) > 0 {
		t.Fatalf("replicas out of range around the restart (%d readings): %v", reads, violations)
	}

	// Status publishing resumed: a new transition is written, and acted on.
	sources["idle"].set(3)
	flipped := time.Now()
	eventually(t, 30*time.Second, "idle's Active=True written after the restart", activeIs("idle", metav1.ConditionTrue))
	statusWritten := time.Since(flipped)
	if c, _ := active("idle"); c == nil || c.LastTransitionTime.Time.Before(started.Truncate(time.Second)) {
		t.Errorf("idle's Active transition %+v is not from after the restart (%s)", c, started)
	}
	waitReplicas(t, phase, "idle activated to 1", 1, replicas("idle"))

	created := time.Now()
	create("fresh", 3)
	waitReplicas(t, phase, "an object created after the restart activated", 1, replicas("fresh"))
	freshUp := time.Since(created)

	hpas, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range hpas.Items {
		names = append(names, h.Name)
	}
	slices.Sort(names)
	if want := []string{"keda-hpa-busy", "keda-hpa-fresh", "keda-hpa-idle"}; !slices.Equal(names, want) {
		t.Errorf("HPAs %v, want one per object %v", names, want)
	}
	if a.Exited() || act.Exited() {
		t.Fatalf("a program exited: adapter %v, activator %v", a.Exited(), act.Exited())
	}
	// The programs are built with -race: a race on the way down or up is
	// in their logs, not in their exit codes (yet).
	for _, p := range []*testenv.Process{a.Process, act} {
		if b, err := os.ReadFile(p.LogPath()); err != nil || bytes.Contains(b, []byte("WARNING: DATA RACE")) {
			t.Errorf("%s: a data race in the log (read error %v)", p.LogPath(), err)
		}
	}
	t.Logf("terms before the outage: adapter %d, activator %d", ledBefore[0], ledBefore[1])
	t.Logf("FIGURE apiserver-restart: down %.1fs from SIGTERM (exited after %.1fs) until both programs lost their terms (renew deadline 10s), "+
		"/readyz not 200 %d times meanwhile; from the start: kube-apiserver ready %.1fs, adapter /readyz %.1fs, activator /readyz %.1fs, "+
		"both leading %.1fs, HPA at 5 on a fresh metric %.1fs; Active written %.1fs after the source changed; new object 0 → 1 in %.1fs; "+
		"%d replica readings (%d while down), none out of range",
		down.Seconds(), stopped.Sub(stopping).Seconds(), notReady, serving.Seconds(), adapterReady.Seconds(), activatorReady.Seconds(),
		leadAgain.Seconds(), hpaReads.Seconds(), statusWritten.Seconds(), freshUp.Seconds(), reads, failed)
}

// since waits until check passes, as eventually does, and returns the time
// from start until it did.
func since(t *testing.T, start time.Time, what string, check func() error) time.Duration {
	t.Helper()
	eventually(t, phase, what, check)
	return time.Since(start)
}
