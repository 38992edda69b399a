package poll

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestFailureCountingAndFallback(t *testing.T) {
	h := start(t, nil)
	src := &fakeSource{value: 5}
	k := Key{"ns", "a"}
	s := spec(10*time.Second, trigger("k", src, 0, 3))
	s.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 4}
	must(t, h.e.Set(k, s))
	eventually(t, "first poll", calls(1, src))
	steps := []struct {
		name         string
		value        float64
		err          error
		wantFailures int
		wantHealthy  bool
		wantFallback bool
		wantErr      string
	}{
		{"first failure", 0, errBoom, 1, false, false, "boom"},
		{"threshold reached", 0, errBoom, 2, false, true, "boom"},
		{"beyond threshold", 0, errBoom, 3, false, true, "boom"},
		{"recovery resets", 7, nil, 0, true, false, ""},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			src.set(st.value, st.err)
			h.step(t, 10*time.Second)
			eventually(t, "poll", calls(int64(i+2), src))
			eventually(t, "recorded", func() bool {
				return mustState(t, h.e, k).UpdatedAt.Equal(h.clock.Now())
			})
			ts := mustState(t, h.e, k).Triggers[0]
			if ts.ConsecutiveFailures != st.wantFailures || ts.Healthy != st.wantHealthy ||
				ts.InFallback != st.wantFallback || ts.LastError != st.wantErr {
				t.Fatalf("state = failures %d healthy %v fallback %v err %q; want %d %v %v %q",
					ts.ConsecutiveFailures, ts.Healthy, ts.InFallback, ts.LastError,
					st.wantFailures, st.wantHealthy, st.wantFallback, st.wantErr)
			}
			if st.err == nil && (ts.Value != st.value || !ts.LastSuccess.Equal(h.clock.Now())) {
				t.Fatalf("value %v at %v, want %v at %v", ts.Value, ts.LastSuccess, st.value, h.clock.Now())
			}
		})
	}
	if got := testutil.ToFloat64(h.e.metrics.errors.WithLabelValues("ns", "a", "fake", "s0-fake-k")); got != 3 {
		t.Errorf("errors_total = %v, want 3", got)
	}
	if got := testutil.ToFloat64(h.e.metrics.value.WithLabelValues("ns", "a", "fake", "s0-fake-k")); got != 7 {
		t.Errorf("metrics_value = %v, want 7", got)
	}
}

func TestFreshStaleAndFallbackDue(t *testing.T) {
	now := t0.Add(time.Hour)
	fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 2}
	tests := []struct {
		name                 string
		fallback             *v1alpha1.Fallback
		ts                   TriggerState
		fresh, stale, wantFB bool
	}{
		{"not polled", fb, TriggerState{}, false, false, false},
		{"fresh", fb, TriggerState{Polled: true, FreshUntil: now.Add(time.Second)}, true, false, false},
		{"stale without failures", fb, TriggerState{Polled: true, FreshUntil: now}, false, true, true},
		{"stale without fallback", nil, TriggerState{Polled: true, FreshUntil: now}, false, true, false},
		{"below threshold", fb, TriggerState{Polled: true, ConsecutiveFailures: 2, FreshUntil: now.Add(time.Second)}, false, false, false},
		{"at threshold", fb, TriggerState{Polled: true, ConsecutiveFailures: 3, FreshUntil: now.Add(time.Second)}, false, false, true},
		{"zero threshold acts as one", &v1alpha1.Fallback{}, TriggerState{Polled: true, ConsecutiveFailures: 1, FreshUntil: now.Add(time.Second)}, false, false, true},
		{"scalingModifiers behaviour has no replica fallback", &v1alpha1.Fallback{FailureThreshold: 1, Behavior: v1alpha1.FallbackScalingModifiers}, TriggerState{Polled: true, ConsecutiveFailures: 5, FreshUntil: now.Add(time.Second)}, false, false, false},
		{"no fallback", nil, TriggerState{Polled: true, ConsecutiveFailures: 9, FreshUntil: now.Add(time.Second)}, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os := ObjectState{Fallback: tt.fallback, Triggers: []TriggerState{tt.ts}}
			ts := &os.Triggers[0]
			if got := ts.Fresh(now); got != tt.fresh {
				t.Errorf("Fresh = %v, want %v", got, tt.fresh)
			}
			if got := ts.Stale(now); got != tt.stale {
				t.Errorf("Stale = %v, want %v", got, tt.stale)
			}
			if got := os.FallbackDue(ts, now); got != tt.wantFB {
				t.Errorf("FallbackDue = %v, want %v", got, tt.wantFB)
			}
		})
	}
}

func TestStaleAfterIntervals(t *testing.T) {
	h := start(t, func(o *Options) { o.StaleAfterIntervals = 3 })
	src := &fakeSource{value: 1}
	k := Key{"ns", "a"}
	must(t, h.e.Set(k, spec(10*time.Second, trigger("k", src, 0, 0))))
	eventually(t, "first poll", calls(1, src))
	eventually(t, "recorded", func() bool { return mustState(t, h.e, k).Triggers[0].Polled })
	ts := mustState(t, h.e, k).Triggers[0]
	if !ts.FreshUntil.Equal(t0.Add(30 * time.Second)) {
		t.Fatalf("FreshUntil = %v, want 3 intervals after the success", ts.FreshUntil)
	}
	if !ts.Fresh(t0.Add(30*time.Second-1)) || ts.Fresh(t0.Add(30*time.Second)) {
		t.Error("value must be fresh just before 3 intervals and stale at 3 intervals")
	}
}

func TestChangesOnlyOnDerivedChange(t *testing.T) {
	h := start(t, nil)
	src := &fakeSource{value: 5}
	k := Key{"ns", "a"}
	must(t, h.e.Set(k, spec(10*time.Second, trigger("k", src, 0, 3))))
	eventually(t, "first poll", calls(1, src))
	eventually(t, "recorded", func() bool { return mustState(t, h.e, k).Triggers[0].Polled })
	drain(h)
	steps := []struct {
		name   string
		value  float64
		err    error
		change bool
	}{
		{"equal activity", 6, nil, false},
		{"turns inactive", 1, nil, true},
		{"value moves while inactive", 2, nil, false},
		{"fails", 0, errBoom, true},
		{"same error again", 0, errBoom, false},
		{"different error", 0, errors.New("other"), true},
		{"recovers", 2, nil, true},
		{"turns active", 4, nil, true},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			src.set(st.value, st.err)
			h.step(t, 10*time.Second)
			eventually(t, "poll", calls(int64(i+2), src))
			eventually(t, "recorded", func() bool { return mustState(t, h.e, k).UpdatedAt.Equal(h.clock.Now()) })
			// The poll is recorded, so a change it caused is marked; with
			// nobody receiving, it would stay pending for good.
			if !st.change {
				eventually(t, "no change pending", h.e.notes.idle)
				return
			}
			select {
			case got := <-h.e.Changes():
				if got != k {
					t.Fatalf("change %v reported, want %v", got, k)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("no change reported")
			}
		})
	}
	h.e.Delete(k)
	if got := <-h.e.Changes(); got != k {
		t.Errorf("delete reported %v", got)
	}
}

func TestSetRejectsInvalidSpec(t *testing.T) {
	src := &fakeSource{}
	tests := []struct {
		name string
		spec ObjectSpec
	}{
		{"zero interval", spec(0, trigger("k", src, 0, 0))},
		{"nil trigger", spec(time.Second, TriggerSpec{MetricName: "s0-x"})},
		{"empty key", spec(time.Second, trigger("", src, 0, 0))},
		{"duplicate metric", spec(time.Second, trigger("k", src, 0, 0), trigger("k", src, 0, 0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, nil)
			if err := h.e.Set(Key{"ns", "a"}, tt.spec); err == nil {
				t.Fatal("Set accepted an invalid spec")
			}
			if _, ok := h.e.State(Key{"ns", "a"}); ok {
				t.Error("invalid spec was stored")
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	if errs := NewOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults invalid: %v", errs)
	}
	if errs := (Options{}).Validate(); len(errs) != 5 {
		t.Fatalf("zero options: %d errors, want 5: %v", len(errs), errs)
	}
}

func TestMetricNames(t *testing.T) {
	h := start(t, nil)
	must(t, h.e.Set(Key{"ns", "a"}, spec(time.Minute, trigger("b", &fakeSource{}, 0, 0), trigger("a", &fakeSource{}, 1, 0))))
	must(t, h.e.Set(Key{"ns", "b"}, spec(time.Minute, trigger("b", &fakeSource{}, 0, 0))))
	got := h.e.MetricNames()
	if len(got) != 2 || got[0] != "s0-fake-b" || got[1] != "s1-fake-a" {
		t.Fatalf("MetricNames = %v", got)
	}
	h.e.Delete(Key{"ns", "a"})
	if got := h.e.MetricNames(); len(got) != 1 {
		t.Fatalf("MetricNames after delete = %v", got)
	}
}

// drain receives every change marked so far.
func drain(h *harness) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !h.e.notes.idle() {
		select {
		case <-h.e.Changes():
		case <-tick.C: // the notifier may be between a delivery and idle
		}
	}
}

func gauge(t *testing.T, h *harness, name string) float64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	must(t, err)
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s not found", name)
	return 0
}

func countSeries(t *testing.T, h *harness, name string) int {
	t.Helper()
	n, err := testutil.GatherAndCount(h.reg, name)
	must(t, err)
	return n
}

// activitySource serves one value and is judged active on another, as
// Kafka's lag with excludePersistentLag is.
type activitySource struct {
	fakeSource
	activity float64
}

func (a *activitySource) PollActivity(ctx context.Context) (float64, float64, error) {
	v, err := a.Poll(ctx)
	return v, a.activity, err
}

func TestActivitySourceJudgedOnActivity(t *testing.T) {
	tests := []struct {
		name       string
		value      float64
		activity   float64
		wantActive bool
	}{
		{"served 0, active on persistent lag", 0, 5, true},
		{"served lag, no activity", 8, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, nil)
			src := &activitySource{fakeSource: fakeSource{value: tt.value}, activity: tt.activity}
			k := Key{"ns", "kafka"}
			must(t, h.e.Set(k, spec(10*time.Second, trigger("k", src, 0, 1))))
			eventually(t, "first poll", func() bool { return mustState(t, h.e, k).Triggers[0].Polled })
			ts := mustState(t, h.e, k).Triggers[0]
			if ts.Value != tt.value || ts.Active != tt.wantActive {
				t.Errorf("value %v active %v, want %v %v", ts.Value, ts.Active, tt.value, tt.wantActive)
			}
		})
	}
}
