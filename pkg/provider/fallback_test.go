package provider

import (
	"context"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	clocktesting "k8s.io/utils/clock/testing"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

func TestFallbackReplicas(t *testing.T) {
	tests := []struct {
		behavior v1alpha1.FallbackBehavior
		current  int32
		known    bool
		want     int32
	}{
		// From n: KEDA's arithmetic (fallback.replicas is 6).
		{"", 3, true, 6},
		{v1alpha1.FallbackStatic, 3, true, 6},
		{v1alpha1.FallbackStatic, 9, true, 6},
		{v1alpha1.FallbackCurrentReplicas, 3, true, 3},
		{v1alpha1.FallbackCurrentReplicas, 9, true, 9},
		{v1alpha1.FallbackCurrentReplicasIfHigher, 3, true, 6},
		{v1alpha1.FallbackCurrentReplicasIfHigher, 9, true, 9},
		{v1alpha1.FallbackCurrentReplicasIfLower, 3, true, 3},
		{v1alpha1.FallbackCurrentReplicasIfLower, 9, true, 6},
		{v1alpha1.FallbackCurrentReplicasIfLower, 6, true, 6},
		// From 0 every behaviour goes to fallback.replicas, never stays at 0.
		{v1alpha1.FallbackStatic, 0, true, 6},
		{v1alpha1.FallbackCurrentReplicas, 0, true, 6},
		{v1alpha1.FallbackCurrentReplicasIfHigher, 0, true, 6},
		{v1alpha1.FallbackCurrentReplicasIfLower, 0, true, 6},
		// Unknown count: fallback.replicas.
		{v1alpha1.FallbackCurrentReplicas, 3, false, 6},
		{v1alpha1.FallbackCurrentReplicasIfLower, 3, false, 6},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/current=%d/known=%t", tt.behavior, tt.current, tt.known), func(t *testing.T) {
			fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 6, Behavior: tt.behavior}
			if got := FallbackReplicas(fb, tt.current, tt.known); got != tt.want {
				t.Errorf("FallbackReplicas = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFallbackValue(t *testing.T) {
	tests := []struct {
		name        string
		replicas    int32
		valueTarget bool
		current     int32
		known       bool
		want        float64
		ok          bool
	}{
		{"average value: replicas x target", 6, false, 3, true, 30, true},
		{"average value, count unknown", 6, false, 0, false, 30, true},
		{"value: divided by current replicas", 6, true, 3, true, 10, true},
		{"value at the fallback count: ratio 1", 6, true, 6, true, 5, true},
		{"value at 0: nothing until the HPA sees the target up", 6, true, 0, true, 0, false},
		{"value, count unknown: nothing", 6, true, 0, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FallbackValue(tt.replicas, 5, tt.valueTarget, tt.current, tt.known)
			if got != tt.want || ok != tt.ok {
				t.Errorf("FallbackValue = %v, %t; want %v, %t", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// replicaMap is a ReplicaReader over a map; absent keys are unknown.
type replicaMap map[poll.Key]int32

func (m replicaMap) CurrentReplicas(k poll.Key) (int32, bool) {
	n, ok := m[k]
	return n, ok
}

// TestServedFallback checks the value the provider serves for a failing
// trigger per behaviour and metric type, target 5, fallback 6 replicas.
func TestServedFallback(t *testing.T) {
	failing := fresh(9)
	failing.ConsecutiveFailures, failing.LastError = 3, "get queue properties: 403"
	tests := []struct {
		name     string
		behavior v1alpha1.FallbackBehavior
		value    bool
		replicas replicaMap
		want     string // empty: expect 503
	}{
		{"static at 3", v1alpha1.FallbackStatic, false, replicaMap{key: 3}, "30"},
		{"static without a reader", v1alpha1.FallbackStatic, false, nil, "30"},
		{"currentReplicas at 3", v1alpha1.FallbackCurrentReplicas, false, replicaMap{key: 3}, "15"},
		{"currentReplicasIfHigher at 9", v1alpha1.FallbackCurrentReplicasIfHigher, false, replicaMap{key: 9}, "45"},
		{"currentReplicasIfLower at 3", v1alpha1.FallbackCurrentReplicasIfLower, false, replicaMap{key: 3}, "15"},
		{"currentReplicas at 0", v1alpha1.FallbackCurrentReplicas, false, replicaMap{key: 0}, "30"},
		{"currentReplicas, count unknown", v1alpha1.FallbackCurrentReplicas, false, replicaMap{}, "30"},
		{"Value static at 3", v1alpha1.FallbackStatic, true, replicaMap{key: 3}, "10"},
		{"Value currentReplicasIfHigher at 9", v1alpha1.FallbackCurrentReplicasIfHigher, true, replicaMap{key: 9}, "5"},
		{"Value, count unknown", v1alpha1.FallbackStatic, true, replicaMap{}, ""},
		{"scalingModifiers: no replica fallback", v1alpha1.FallbackScalingModifiers, false, replicaMap{key: 3}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := failing
			ts.ValueTarget = tt.value
			store := &fakeStore{}
			fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 6, Behavior: tt.behavior}
			store.put(key, poll.ObjectState{Key: key, Fallback: fb, Triggers: []poll.TriggerState{ts}})
			opts := NewOptions()
			opts.Clock = clocktesting.NewFakeClock(now)
			if tt.replicas != nil {
				opts.Replicas = tt.replicas
			}
			p, err := New(store, opts)
			if err != nil {
				t.Fatal(err)
			}
			expectValue(t, p, metric, tt.want)
		})
	}
}

// BenchmarkGetExternalMetricFallback serves a currentReplicasIfHigher
// fallback, the path that also reads the replica count.
func BenchmarkGetExternalMetricFallback(b *testing.B) {
	ts := fresh(9)
	ts.ConsecutiveFailures, ts.LastError = 3, "get queue properties: 403"
	store := &fakeStore{}
	fb := &v1alpha1.Fallback{FailureThreshold: 3, Replicas: 6, Behavior: v1alpha1.FallbackCurrentReplicasIfHigher}
	store.put(key, poll.ObjectState{Key: key, Fallback: fb, Triggers: []poll.TriggerState{ts}})
	opts := NewOptions()
	opts.Clock = clocktesting.NewFakeClock(now)
	opts.Replicas = replicaMap{key: 3}
	p, err := New(store, opts)
	if err != nil {
		b.Fatal(err)
	}
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: "app"})
	info := cmprovider.ExternalMetricInfo{Metric: metric}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.GetExternalMetric(ctx, "ns", sel, info); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFallbackReplicas: for any spec.fallback and current count, the result
// is fallback.replicas or the current count, and never the current count
// when that is below 1.
func FuzzFallbackReplicas(f *testing.F) {
	f.Add("currentReplicasIfLower", int32(6), int32(0), true)
	f.Add("static", int32(0), int32(3), true)
	f.Add("currentReplicas", int32(2), int32(-1), false)
	f.Fuzz(func(t *testing.T, behavior string, replicas, current int32, known bool) {
		fb := &v1alpha1.Fallback{Replicas: replicas, Behavior: v1alpha1.FallbackBehavior(behavior)}
		got := FallbackReplicas(fb, current, known)
		if got != replicas && (got != current || !known || current < 1) {
			t.Fatalf("FallbackReplicas(%q, replicas %d, current %d, known %t) = %d", behavior, replicas, current, known, got)
		}
		v, ok := FallbackValue(got, 5, true, current, known)
		if ok && (current < 1 || v < 0 && got >= 0) {
			t.Fatalf("FallbackValue for current %d = %v", current, v)
		}
	})
}
