package provider

import (
	"context"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	clocktesting "k8s.io/utils/clock/testing"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

func TestCompositeMetric(t *testing.T) {
	f := compileAB(t, nil, v1alpha1.ScalingModifiers{Formula: "(a + b) / 2", Target: "2"})
	named := func(name, metric string, ts poll.TriggerState) poll.TriggerState {
		ts.Name, ts.MetricName = name, metric
		return ts
	}
	failing := poll.TriggerState{Polled: true, ConsecutiveFailures: 3, LastError: "connection refused", FreshUntil: now.Add(time.Minute)}
	sel := v1alpha1.LabelScaledObjectName + "=app"
	tests := []struct {
		name     string
		fallback *v1alpha1.Fallback
		b        poll.TriggerState
		want     string
		check    func(error) bool
	}{
		{"formula over fresh values", nil, fresh(5), "3", nil},
		{"a failing trigger is a 503, never 0", nil, failing, "", apierrors.IsServiceUnavailable},
		{"fallback is replicas times target", &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 4}, failing, "8", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := &fakeStore{}
			store.put(key, poll.ObjectState{Key: key, Composite: f, Fallback: tc.fallback, Triggers: []poll.TriggerState{
				named("a", "s0-x", fresh(1)), named("b", "s1-y", tc.b)}})
			p := newProvider(t, store, clocktesting.NewFakeClock(now))
			got, _, err := get(t, p, context.Background(), "ns", sel, composite.MetricName)
			if tc.check != nil {
				if !tc.check(err) {
					t.Fatalf("error = %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			// The triggers' own metrics are still served.
			if v, _, err := get(t, p, context.Background(), "ns", sel, "s0-x"); err != nil || v != "1" {
				t.Fatalf("trigger metric: %q, %v", v, err)
			}
		})
	}
}

func TestCompositeMetricUnknownWithoutModifiers(t *testing.T) {
	store := &fakeStore{}
	store.put(key, poll.ObjectState{Key: key, Triggers: []poll.TriggerState{fresh(1)}})
	p := newProvider(t, store, clocktesting.NewFakeClock(now))
	if _, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", composite.MetricName); !apierrors.IsNotFound(err) {
		t.Fatalf("error = %v, want NotFound", err)
	}
}

// TestCompositeWaitsForFirstPoll: a request before the first poll of a
// trigger the formula reads waits for it, then answers from the new state.
func TestCompositeWaitsForFirstPoll(t *testing.T) {
	f, err := composite.Compile(&v1alpha1.ScaledObjectSpec{
		Advanced: &v1alpha1.AdvancedConfig{ScalingModifiers: v1alpha1.ScalingModifiers{Formula: "a * 2", Target: "2"}},
		Triggers: []v1alpha1.ScaleTriggers{{Name: "a", Type: "x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan struct{})
	store := &fakeStore{}
	store.put(key, poll.ObjectState{Key: key, Composite: f, Triggers: []poll.TriggerState{{Name: "a", MetricName: "s0-x", FirstPoll: first}}})
	p := newProvider(t, store, clocktesting.NewFakeClock(now))
	done := make(chan string)
	go func() {
		v, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app", composite.MetricName)
		if err != nil {
			v = err.Error()
		}
		done <- v
	}()
	polled := fresh(4)
	polled.Name, polled.MetricName = "a", "s0-x"
	store.put(key, poll.ObjectState{Key: key, Composite: f, Triggers: []poll.TriggerState{polled}})
	close(first)
	if v := <-done; v != "8" {
		t.Fatalf("got %q, want 8", v)
	}
}

// BenchmarkGetCompositeMetric is one HPA request for composite-metric of an
// object whose formula reads two fresh triggers.
func BenchmarkGetCompositeMetric(b *testing.B) {
	f := compileAB(b, nil, v1alpha1.ScalingModifiers{Formula: "a > 2 ? max(a, b) / 2 : (a + b) / 2", Target: "2"})
	live := func(name, metric string, v float64) poll.TriggerState {
		return poll.TriggerState{Name: name, MetricName: metric, Polled: true, Value: v,
			LastSuccess: time.Now(), FreshUntil: time.Now().Add(time.Hour)}
	}
	store := &fakeStore{}
	store.put(key, poll.ObjectState{Key: key, Composite: f, Triggers: []poll.TriggerState{live("a", "s0-x", 3), live("b", "s1-y", 4)}})
	p, err := New(store, NewOptions())
	if err != nil {
		b.Fatal(err)
	}
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: "app"})
	info := cmprovider.ExternalMetricInfo{Metric: composite.MetricName}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.GetExternalMetric(context.Background(), "ns", sel, info); err != nil {
			b.Fatal(err)
		}
	}
}

// compileAB compiles the scalingModifiers sm, with the fallback fb (nil
// for none), of an object with two triggers: a (type x) and b (type y).
func compileAB(tb testing.TB, fb *v1alpha1.Fallback, sm v1alpha1.ScalingModifiers) *composite.Formula {
	tb.Helper()
	f, err := composite.Compile(&v1alpha1.ScaledObjectSpec{
		Fallback: fb,
		Advanced: &v1alpha1.AdvancedConfig{ScalingModifiers: sm},
		Triggers: []v1alpha1.ScaleTriggers{{Name: "a", Type: "x"}, {Name: "b", Type: "y"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}
