//go:build integration

package leader

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// candidate is one replica running Run, with what its leader work saw.
type candidate struct {
	id     string
	terms  atomic.Int64 // terms started
	active atomic.Bool  // inside lead now
	stop   context.CancelFunc
	done   chan error
}

// race is the shared record of who leads: at most one at a time.
type race struct {
	mu      sync.Mutex
	leading int
	overlap int
}

func (r *race) enter() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leading++
	if r.leading > 1 {
		r.overlap++
	}
}

func (r *race) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leading--
}

func startCandidate(t *testing.T, cp *testenv.ControlPlane, o Options, id string, r *race) *candidate {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &candidate{id: id, stop: cancel, done: make(chan error, 1)}
	go func() {
		c.done <- Run(ctx, o, cp.Client.CoordinationV1(), id, zaptest.NewLogger(t), func(ctx context.Context) {
			c.terms.Add(1)
			r.enter()
			c.active.Store(true)
			<-ctx.Done()
			c.active.Store(false)
			r.leave()
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-c.done; err != nil {
			t.Errorf("candidate %s: Run: %v", id, err)
		}
	})
	return c
}

// waitFor polls cond every 20ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		return cond(), nil
	})
	if err != nil {
		t.Fatalf("%s: not within %v", what, timeout)
	}
}

// TestRunAgainstKubeAPIServer: two candidates on a real kube-apiserver.
// One leads; the Lease taken away ends its term and it campaigns again in
// the same process; a leader that stops hands over at once (the Lease is
// released only after its work returned); never two leaders at once.
func TestRunAgainstKubeAPIServer(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	o := NewOptions("leader-test", "default")
	// Long enough that a busy machine never misses a renewal by accident.
	o.LeaseDuration, o.RenewDeadline, o.RetryPeriod = 8*time.Second, 6*time.Second, 200*time.Millisecond
	r := &race{}
	a := startCandidate(t, cp, o, "a", r)
	b := startCandidate(t, cp, o, "b", r)
	leader := func() *candidate {
		switch {
		case a.active.Load():
			return a
		case b.active.Load():
			return b
		}
		return nil
	}
	waitFor(t, time.Minute, "a leader", func() bool { return leader() != nil })
	first := leader()
	other := map[*candidate]*candidate{a: b, b: a}[first]

	// Take the Lease away for longer than the renew deadline.
	if err := cp.TakeLease(context.Background(), o.LeaseNamespace, o.LeaseName, "thief", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the term of the first leader ends", func() bool { return !first.active.Load() })
	waitFor(t, time.Minute, "a new term after the thief's Lease expired", func() bool {
		return leader() != nil && first.terms.Load()+other.terms.Load() >= 2
	})
	for _, c := range []*candidate{a, b} {
		select {
		case err := <-c.done:
			t.Fatalf("candidate %s's Run returned (%v) after losing the Lease, want it to campaign again", c.id, err)
		default:
		}
	}

	// The leader stops: the other takes over without waiting for the
	// Lease to expire.
	cur := leader()
	next := map[*candidate]*candidate{a: b, b: a}[cur]
	stopped := time.Now()
	cur.stop()
	if err := <-cur.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	cur.done <- nil // for the cleanup
	waitFor(t, time.Minute, "the other candidate leads", func() bool { return next.active.Load() })
	handover := time.Since(stopped)
	if handover >= o.LeaseDuration {
		t.Errorf("handover took %v, want less than the lease duration %v (the Lease is released)", handover, o.LeaseDuration)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.overlap != 0 {
		t.Errorf("two leaders at once %d times", r.overlap)
	}
	t.Logf("FIGURE leader: handover after a clean stop %.2fs", handover.Seconds())
}
