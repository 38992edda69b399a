package poll

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeSource returns a scripted value or error and counts its polls.
type fakeSource struct {
	mu       sync.Mutex
	value    float64
	err      error
	calls    atomic.Int64
	inflight atomic.Int64
	maxSeen  atomic.Int64
	block    chan struct{} // when non-nil, Poll waits for it or ctx
}

func (f *fakeSource) Poll(ctx context.Context) (float64, error) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	defer f.calls.Add(1)
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.value, f.err
}

func (f *fakeSource) set(v float64, err error) {
	f.mu.Lock()
	f.value, f.err = v, err
	f.mu.Unlock()
}

type harness struct {
	e     *Engine
	clock *clocktesting.FakeClock
	reg   *prometheus.Registry
	done  chan struct{}
	stop  context.CancelFunc
}

// start builds an engine on a fake clock with zero jitter unless mod says
// otherwise, runs it and stops it at test cleanup.
func start(t *testing.T, mod func(*Options)) *harness {
	t.Helper()
	fc := clocktesting.NewFakeClock(t0)
	opts := NewOptions()
	opts.Clock = fc
	opts.Jitter = func(time.Duration) time.Duration { return 0 }
	if mod != nil {
		mod(&opts)
	}
	reg := prometheus.NewRegistry()
	e, err := New(opts, zap.NewNop(), reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{e: e, clock: fc, reg: reg, done: make(chan struct{}), stop: cancel}
	go func() {
		defer close(h.done)
		if err := e.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(h.shutdown)
	return h
}

func (h *harness) shutdown() {
	h.stop()
	<-h.done
}

func trigger(key string, src scalers.Source, idx int, activation float64) TriggerSpec {
	return TriggerSpec{
		Index: idx, Type: "fake", MetricName: scalers.MetricName(idx, "fake-"+key),
		Trigger: &scalers.Trigger{Key: key, Source: src, Target: 10, ActivationTarget: activation},
	}
}

func spec(iv time.Duration, trigs ...TriggerSpec) ObjectSpec {
	return ObjectSpec{PollingInterval: iv, Triggers: trigs}
}

// eventually fails the test unless cond turns true within 30s (a loaded
// machine may be slow; a passing test does not wait longer).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// settle waits until the engine has nothing left to do at the fake
// clock's time: the scheduler is parked (no poll in flight or waiting for
// a worker) and its earliest next poll lies in the future. A poll that a
// clock step wrongly made due has then run and been counted, however slow
// the machine.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	eventually(t, "engine settled", func() bool {
		h.e.mu.RLock()
		defer h.e.mu.RUnlock()
		return h.e.sched.parked && (len(h.e.sched.due) == 0 || h.e.sched.due[0].next.After(h.clock.Now()))
	})
}

func calls(n int64, f *fakeSource) func() bool {
	return func() bool { return f.calls.Load() == n }
}

// pollers counts the sources the scheduler holds, waiting or polling.
func (h *harness) pollers() int {
	n, _ := h.e.schedState()
	return n
}

// step advances the fake clock once the scheduler is parked: no poll is in
// flight or waiting for a worker, and its timer is armed for the earliest
// next poll, so that no schedule is computed from a time the step already
// passed.
func (h *harness) step(t *testing.T, d time.Duration) {
	t.Helper()
	eventually(t, "scheduler parked", func() bool {
		_, parked := h.e.schedState()
		return parked
	})
	h.clock.Step(d)
}

func mustState(t *testing.T, e *Engine, k Key) ObjectState {
	t.Helper()
	st, ok := e.State(k)
	if !ok {
		t.Fatalf("no state for %s", k)
	}
	return st
}

var errBoom = errors.New("boom")
