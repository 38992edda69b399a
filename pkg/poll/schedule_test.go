package poll

import (
	"runtime"
	"testing"
	"time"
)

// TestFirstPollAtOnceThenPhase checks that a new source is polled at once
// whatever the jitter, and that the jitter only sets the phase of the polls
// after the first: the second poll comes at the first grid slot (start +
// phase + k·interval) at least half an interval after the start.
func TestFirstPollAtOnceThenPhase(t *testing.T) {
	const iv = 10 * time.Second
	tests := []struct {
		name   string
		jitter time.Duration
		second time.Duration // delay of the second poll after the first
	}{
		{"zero", 0, iv},
		{"middle", 6 * time.Second, 6 * time.Second},
		{"half", iv / 2, iv / 2},
		{"early phase skips to the next slot", 2 * time.Second, 12 * time.Second},
		{"too large is clamped", iv + time.Second, iv - time.Nanosecond},
		{"negative is clamped", -time.Second, iv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotMax time.Duration
			h := start(t, func(o *Options) {
				o.Jitter = func(max time.Duration) time.Duration { gotMax = max; return tt.jitter }
			})
			src := &fakeSource{value: 1}
			if err := h.e.Set(Key{"ns", "a"}, spec(iv, trigger("k", src, 0, 0))); err != nil {
				t.Fatal(err)
			}
			// No clock step: the first poll must not wait for one.
			eventually(t, "first poll", calls(1, src))
			h.step(t, tt.second-time.Nanosecond)
			// The fake clock fires a due timer inside Step and forgets it:
			// a waiter left means the second poll is still ahead.
			if !h.clock.HasWaiters() || src.calls.Load() != 1 {
				t.Fatalf("second poll due before its slot at %v (polls: %d)", tt.second, src.calls.Load())
			}
			h.step(t, time.Nanosecond)
			eventually(t, "second poll", calls(2, src))
			if gotMax != iv {
				t.Errorf("jitter max = %v, want the interval %v", gotMax, iv)
			}
		})
	}
}

func TestUniformJitter(t *testing.T) {
	for _, max := range []time.Duration{-1, 0, 1, time.Second} {
		for range 1000 {
			j := UniformJitter(max)
			if j < 0 || (max > 0 && j >= max) || (max <= 0 && j != 0) {
				t.Fatalf("UniformJitter(%v) = %v, out of [0, max)", max, j)
			}
		}
	}
}

func TestDedupSharesOnePoller(t *testing.T) {
	h := start(t, nil)
	src := &fakeSource{value: 5}
	unused := &fakeSource{value: 99}
	a, b := Key{"ns", "slow"}, Key{"other", "fast"}
	must(t, h.e.Set(a, spec(10*time.Second, trigger("shared", src, 0, 3))))
	eventually(t, "first poll", calls(1, src))
	// b names the same key with its own Source instance: the running
	// poller and its Source are kept, and b gets the value at once.
	must(t, h.e.Set(b, spec(4*time.Second, trigger("shared", unused, 0, 10))))
	sa, sb := mustState(t, h.e, a), mustState(t, h.e, b)
	if !sb.Triggers[0].Polled || sb.Triggers[0].Value != 5 {
		t.Fatalf("joined trigger state = %+v, want the shared value 5", sb.Triggers[0])
	}
	if !sa.Triggers[0].Active || sb.Triggers[0].Active {
		t.Errorf("active = %v/%v, want true (5>3) / false (5>10)", sa.Triggers[0].Active, sb.Triggers[0].Active)
	}
	h.settle(t)
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("joining object caused an extra poll: %d", n)
	}
	// The shortest interval wins: one upstream poll every 4s.
	for i := int64(2); i <= 4; i++ {
		h.step(t, 4*time.Second)
		eventually(t, "poll at shortest interval", calls(i, src))
	}
	h.settle(t)
	if src.calls.Load() != 4 || unused.calls.Load() != 0 {
		t.Fatalf("calls = %d shared, %d unused; want 4 and 0", src.calls.Load(), unused.calls.Load())
	}
	if got := gauge(t, h, "sluice_poll_sources"); got != 1 {
		t.Errorf("sluice_poll_sources = %v, want 1", got)
	}
	// Without the fast object, the source slows back to 10s.
	h.e.Delete(b)
	h.step(t, 9*time.Second)
	h.settle(t)
	if n := src.calls.Load(); n != 4 {
		t.Fatalf("polled %d times before the slower interval elapsed", n)
	}
	h.step(t, time.Second)
	eventually(t, "poll at the remaining interval", calls(5, src))
}

func TestReconfigureKeepsUnchangedPollers(t *testing.T) {
	h := start(t, nil)
	kept, dropped, added := &fakeSource{value: 1}, &fakeSource{value: 2}, &fakeSource{value: 3}
	k := Key{"ns", "a"}
	must(t, h.e.Set(k, spec(10*time.Second, trigger("kept", kept, 0, 0), trigger("dropped", dropped, 1, 0))))
	eventually(t, "first polls", func() bool { return kept.calls.Load() == 1 && dropped.calls.Load() == 1 })
	h.step(t, 5*time.Second)
	must(t, h.e.Set(k, spec(10*time.Second, trigger("kept", kept, 0, 0), trigger("added", added, 1, 0))))
	eventually(t, "new source polled", calls(1, added))
	eventually(t, "dropped poller gone", func() bool { return h.pollers() == 2 })
	h.settle(t)
	if n := kept.calls.Load(); n != 1 {
		t.Fatalf("unchanged trigger polled %d times on reconfigure, want no extra poll", n)
	}
	h.step(t, 5*time.Second) // t0+10s: the kept source's regular slot
	eventually(t, "kept source on its original schedule", calls(2, kept))
	if dropped.calls.Load() != 1 {
		t.Errorf("dropped source polled after removal")
	}
	st := mustState(t, h.e, k)
	if st.Triggers[1].MetricName != "s1-fake-added" || st.Triggers[1].Value != 3 {
		t.Errorf("reconfigured trigger state = %+v", st.Triggers[1])
	}
}

func TestDeleteLeavesNoGoroutines(t *testing.T) {
	baseline := runtime.NumGoroutine()
	h := start(t, nil)
	parked := func() bool { _, p := h.e.schedState(); return p }
	eventually(t, "engine idle", parked)
	idle := runtime.NumGoroutine() // scheduler, workers, notifier
	srcs := []*fakeSource{{value: 1}, {value: 2}, {value: 3}}
	for i, s := range srcs {
		must(t, h.e.Set(Key{"ns", string(rune('a' + i))}, spec(time.Second, trigger(string(rune('a'+i)), s, 0, 0))))
	}
	eventually(t, "pollers running", func() bool { return h.pollers() == 3 })
	for _, s := range srcs {
		eventually(t, "first poll", calls(1, s))
	}
	eventually(t, "engine idle", parked)
	if n := runtime.NumGoroutine(); n > idle {
		t.Errorf("%d goroutines with 3 sources, want at most the %d of an idle engine", n, idle)
	}
	for i := range srcs {
		h.e.Delete(Key{"ns", string(rune('a' + i))})
	}
	eventually(t, "pollers stopped", func() bool { return h.pollers() == 0 })
	eventually(t, "engine idle", parked)
	if n := runtime.NumGoroutine(); n > idle {
		t.Errorf("%d goroutines after delete, want at most the %d of an idle engine", n, idle)
	}
	if _, ok := h.e.State(Key{"ns", "a"}); ok {
		t.Error("state of a deleted object still readable")
	}
	if n := countSeries(t, h, "sluice_scaler_metrics_value"); n != 0 {
		t.Errorf("%d value series left after delete", n)
	}
	h.shutdown()
	eventually(t, "goroutines back to baseline", func() bool { return runtime.NumGoroutine() <= baseline })
}

func TestBoundedConcurrency(t *testing.T) {
	h := start(t, func(o *Options) { o.MaxConcurrentPolls = 2 })
	block := make(chan struct{})
	src := &fakeSource{value: 1, block: block} // one Source behind five keys
	for i := range 5 {
		key := string(rune('a' + i))
		must(t, h.e.Set(Key{"ns", key}, spec(time.Minute, trigger(key, src, 0, 0))))
	}
	// Once the scheduler has dispatched all five, three wait for a worker;
	// a third worker would have taken one.
	eventually(t, "all dispatched, two polls in flight", func() bool {
		h.e.mu.RLock()
		defer h.e.mu.RUnlock()
		return h.e.sched.inflight == 5 && src.inflight.Load() == 2
	})
	if m := src.maxSeen.Load(); m != 2 {
		t.Fatalf("max concurrent polls = %d, want 2", m)
	}
	close(block)
	eventually(t, "all polled", calls(5, src))
	if m := src.maxSeen.Load(); m > 2 {
		t.Fatalf("max concurrent polls = %d, want <= 2", m)
	}
}

func TestPollTimeout(t *testing.T) {
	h := start(t, func(o *Options) { o.PollTimeout = 20 * time.Millisecond })
	src := &fakeSource{block: make(chan struct{})} // never released
	k := Key{"ns", "a"}
	must(t, h.e.Set(k, spec(time.Minute, trigger("k", src, 0, 0))))
	eventually(t, "timed-out poll recorded", calls(1, src))
	eventually(t, "failure in state", func() bool { return mustState(t, h.e, k).Triggers[0].Polled })
	ts := mustState(t, h.e, k).Triggers[0]
	if ts.ConsecutiveFailures != 1 || ts.Healthy {
		t.Fatalf("state after timeout = %+v", ts)
	}
	if want := "poll timed out after 20ms: context deadline exceeded"; ts.LastError != want {
		t.Errorf("LastError = %q, want %q", ts.LastError, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestFirstPollChannel: a trigger's FirstPoll stays open while its first
// poll is in flight and closes once that poll's value is in the state.
func TestFirstPollChannel(t *testing.T) {
	// The poll is held by the test, not timed out by a loaded machine.
	h := start(t, func(o *Options) { o.PollTimeout = time.Minute })
	src := &fakeSource{value: 1, block: make(chan struct{})}
	k := Key{"ns", "a"}
	must(t, h.e.Set(k, spec(10*time.Second, trigger("k", src, 0, 0))))
	ts := mustState(t, h.e, k).Triggers[0]
	eventually(t, "first poll in flight", func() bool { return src.inflight.Load() == 1 })
	select {
	case <-ts.FirstPoll:
		t.Fatal("FirstPoll closed before the first poll ended")
	default:
	}
	if ts := mustState(t, h.e, k).Triggers[0]; ts.Polled {
		t.Fatal("Polled before the first poll ended")
	}
	close(src.block)
	select {
	case <-ts.FirstPoll:
	case <-time.After(5 * time.Second):
		t.Fatal("FirstPoll not closed after the first poll")
	}
	if ts := mustState(t, h.e, k).Triggers[0]; !ts.Polled || ts.Value != 1 {
		t.Fatalf("state after FirstPoll closed = %+v", ts)
	}
}
