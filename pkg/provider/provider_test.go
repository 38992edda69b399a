package provider

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	clocktesting "k8s.io/utils/clock/testing"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// fakeStore is a Store over hand-built snapshots.
type fakeStore struct {
	mu      sync.Mutex
	objects map[poll.Key]poll.ObjectState
	names   []string
}

func (f *fakeStore) State(k poll.Key) (poll.ObjectState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.objects[k]
	return st, ok
}

func (f *fakeStore) MetricNames() []string { return f.names }

func (f *fakeStore) put(k poll.Key, st poll.ObjectState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objects == nil {
		f.objects = map[poll.Key]poll.ObjectState{}
	}
	f.objects[k] = st
}

var key = poll.Key{Namespace: "ns", Name: "app"}

const metric = "s0-azure-queue-jobs"

// fresh is a trigger polled successfully a second ago.
func fresh(v float64) poll.TriggerState {
	return poll.TriggerState{
		MetricName: metric, Target: 5, Polled: true, Value: v,
		LastSuccess: now.Add(-time.Second), FreshUntil: now.Add(time.Minute),
	}
}

func newProvider(t *testing.T, store Store, fc *clocktesting.FakeClock) *Provider {
	t.Helper()
	opts := NewOptions()
	opts.Clock = fc
	p, err := New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func selector(t *testing.T, s string) labels.Selector {
	t.Helper()
	sel, err := labels.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// expectValue fails t unless the app's metric m reads want, or when want
// is "" is a 503 (no value to serve).
func expectValue(t *testing.T, p *Provider, m, want string) {
	t.Helper()
	got, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", m)
	if want == "" {
		if !apierrors.IsServiceUnavailable(err) {
			t.Fatalf("got %q, %v; want a 503", got, err)
		}
		return
	}
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %s", got, err, want)
	}
}

func get(t *testing.T, p *Provider, ctx context.Context, ns, sel, m string) (string, time.Time, error) {
	t.Helper()
	var s labels.Selector
	if sel != "-" {
		s = selector(t, sel)
	}
	list, err := p.GetExternalMetric(ctx, ns, s, cmprovider.ExternalMetricInfo{Metric: m})
	if err != nil {
		return "", time.Time{}, err
	}
	if len(list.Items) != 1 || list.Items[0].MetricName != m || len(list.Items[0].MetricLabels) != 0 {
		t.Fatalf("malformed response %+v", list)
	}
	return list.Items[0].Value.String(), list.Items[0].Timestamp.Time, nil
}

func TestRequestErrors(t *testing.T) {
	store := &fakeStore{}
	store.put(key, poll.ObjectState{Key: key, Triggers: []poll.TriggerState{fresh(1)}})
	p := newProvider(t, store, clocktesting.NewFakeClock(now))
	tests := []struct {
		name, ns, sel, metric string
		check                 func(error) bool
	}{
		{"nil selector", "ns", "-", metric, apierrors.IsBadRequest},
		{"empty selector", "ns", "", metric, apierrors.IsBadRequest},
		{"other label", "ns", "app=x", metric, apierrors.IsBadRequest},
		{"set selector", "ns", v1alpha1.LabelScaledObjectName + " in (a,b)", metric, apierrors.IsBadRequest},
		{"unknown object", "ns", v1alpha1.LabelScaledObjectName + "=other", metric, apierrors.IsNotFound},
		{"other namespace", "other", v1alpha1.LabelScaledObjectName + "=app", metric, apierrors.IsNotFound},
		{"unknown metric", "ns", v1alpha1.LabelScaledObjectName + "=app", "s1-nope", apierrors.IsNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := get(t, p, context.Background(), tt.ns, tt.sel, tt.metric)
			if !tt.check(err) {
				t.Fatalf("error = %v (%T)", err, err)
			}
		})
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		name  string
		value float64
		want  string
	}{
		{"integer", 42, "42"},
		{"milli rounding", 1.2345, "1235m"},
		{"small", 0.0004, "0"},
		{"NaN", math.NaN(), "0"},
		{"+Inf", math.Inf(1), "0"},
		{"-Inf", math.Inf(-1), "0"},
		{"negative", -3, "0"},
		{"overflow saturates", 1e300, "9223372036854775807m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{}
			store.put(key, poll.ObjectState{Key: key, Triggers: []poll.TriggerState{fresh(tt.value)}})
			p := newProvider(t, store, clocktesting.NewFakeClock(now))
			got, ts, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", metric)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || !ts.Equal(now.Add(-time.Second)) {
				t.Fatalf("got %s at %v, want %s at the last success", got, ts, tt.want)
			}
		})
	}
}

func TestFailingSources(t *testing.T) {
	fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 4}
	failingState := func(failures int) poll.TriggerState {
		ts := fresh(9)
		ts.ConsecutiveFailures, ts.LastError = failures, "get queue properties: 403"
		return ts
	}
	stale := fresh(9)
	stale.FreshUntil = now
	tests := []struct {
		name     string
		fallback *v1alpha1.Fallback
		ts       poll.TriggerState
		want     string // empty: expect 503
	}{
		{"failing without fallback", nil, failingState(5), ""},
		{"below threshold", fb, failingState(2), ""},
		{"at threshold serves replicas x target", fb, failingState(3), "20"},
		{"stale without fallback", nil, stale, ""},
		{"stale with fallback", fb, stale, "20"},
		{"zero fallback replicas", &v1alpha1.Fallback{FailureThreshold: 1}, failingState(1), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &fakeStore{}
			store.put(key, poll.ObjectState{Key: key, Fallback: tt.fallback, Triggers: []poll.TriggerState{tt.ts}})
			p := newProvider(t, store, clocktesting.NewFakeClock(now))
			got, ts, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", metric)
			if tt.want == "" {
				if !apierrors.IsServiceUnavailable(err) {
					t.Fatalf("got %q, %v; want a 503", got, err)
				}
				return
			}
			if err != nil || got != tt.want || !ts.Equal(now) {
				t.Fatalf("got %q at %v, %v; want %s now", got, ts, err, tt.want)
			}
		})
	}
}

func TestWaitForFirstPoll(t *testing.T) {
	unpolled := func(ch chan struct{}) poll.ObjectState {
		return poll.ObjectState{Key: key, Triggers: []poll.TriggerState{{MetricName: metric, FirstPoll: ch}}}
	}
	t.Run("value arrives", func(t *testing.T) {
		store, ch := &fakeStore{}, make(chan struct{})
		store.put(key, unpolled(ch))
		fc := clocktesting.NewFakeClock(now)
		p := newProvider(t, store, fc)
		go func() {
			for !fc.HasWaiters() {
				time.Sleep(time.Millisecond)
			}
			store.put(key, poll.ObjectState{Key: key, Triggers: []poll.TriggerState{fresh(7)}})
			close(ch)
		}()
		got, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", metric)
		if err != nil || got != "7" {
			t.Fatalf("got %q, %v; want 7", got, err)
		}
	})
	t.Run("wait times out", func(t *testing.T) {
		store := &fakeStore{}
		store.put(key, unpolled(make(chan struct{})))
		fc := clocktesting.NewFakeClock(now)
		p := newProvider(t, store, fc)
		go func() {
			for !fc.HasWaiters() {
				time.Sleep(time.Millisecond)
			}
			fc.Step(DefaultFirstPollWait)
		}()
		if _, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", metric); !apierrors.IsServiceUnavailable(err) {
			t.Fatalf("error = %v, want a 503", err)
		}
	})
	t.Run("request deadline", func(t *testing.T) {
		store := &fakeStore{}
		store.put(key, unpolled(make(chan struct{})))
		p := newProvider(t, store, clocktesting.NewFakeClock(now))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if _, _, err := get(t, p, ctx, "ns", v1alpha1.LabelScaledObjectName+"=app", metric); !apierrors.IsServiceUnavailable(err) {
			t.Fatalf("error = %v, want a 503", err)
		}
	})
}

func TestListAllExternalMetrics(t *testing.T) {
	store := &fakeStore{names: []string{"s0-a", "s1-b"}}
	p := newProvider(t, store, clocktesting.NewFakeClock(now))
	first := p.ListAllExternalMetrics()
	if len(first) != 2 || first[0].Metric != "s0-a" || first[1].Metric != "s1-b" {
		t.Fatalf("ListAllExternalMetrics = %v", first)
	}
	if again := p.ListAllExternalMetrics(); &again[0] != &first[0] {
		t.Error("unchanged names were converted again")
	}
	store.names = nil
	if got := p.ListAllExternalMetrics(); len(got) != 0 {
		t.Fatalf("ListAllExternalMetrics = %v, want empty", got)
	}
}

func TestOptionsValidate(t *testing.T) {
	if errs := NewOptions().Validate(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if _, err := New(&fakeStore{}, Options{FirstPollWait: -1}); err == nil {
		t.Fatal("invalid options accepted")
	}
}
