//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// TestFaultLeaseLostAndRegained: another holder takes the adapter's
// leader-election Lease and keeps it past the renew deadline, then lets it
// expire. The adapter stops leading, leads again, and status updates
// resume: Active follows the source after the new term begins.
func TestFaultLeaseLostAndRegained(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	leaseName := "lease-" + ns
	a := startAdapter(t, "--watch-namespace="+ns, "--leader-elect-lease-name="+leaseName)
	src := newValueServer(t, 0)
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	if _, err := objects.Create(ctx, metricsAPIObject(ns, "leased", src.URL), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitObjectActive(t, ns, "leased", metav1.ConditionFalse) // in the first term

	leases := cluster.Client.CoordinationV1().Leases("default")
	me, err := os.Hostname() // identities are <host>_<uuid> (pkg/leader)
	if err != nil {
		t.Fatal(err)
	}
	heldByAdapter := func() error {
		l, err := leases.Get(ctx, leaseName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if h := ptr.Deref(l.Spec.HolderIdentity, ""); !strings.HasPrefix(h, me+"_") {
			return fmt.Errorf("holder %q", h)
		}
		return nil
	}
	eventually(t, phase, "the adapter holds the Lease", heldByAdapter)

	// Take the Lease for 20s: the adapter's renewals fail until its renew
	// deadline (10s) passes and it stops leading.
	stolen := time.Now()
	if err := cluster.TakeLease(ctx, "default", leaseName, "fault-injector", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	eventually(t, phase, "the adapter stops leading", func() error {
		b, err := os.ReadFile(a.LogPath())
		if err != nil {
			return err
		}
		if !strings.Contains(string(b), "stopped leading") {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	lost := time.Since(stolen)
	eventually(t, phase, "the adapter leads again", heldByAdapter)
	regained := time.Now()

	src.set(7)
	waitObjectActive(t, ns, "leased", metav1.ConditionTrue) // in the new term
	resumed := time.Since(regained)
	src.set(0)
	waitObjectActive(t, ns, "leased", metav1.ConditionFalse)
	t.Logf("FIGURE lease: leadership lost %.1fs after the Lease was taken; regained %.1fs after; status written %.1fs after regaining",
		lost.Seconds(), regained.Sub(stolen).Seconds(), resumed.Seconds())
	if a.Exited() {
		t.Fatal("the adapter exited")
	}
}
