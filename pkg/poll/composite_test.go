package poll

import (
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
)

func compileFormula(t *testing.T, formula, metricType string, fallback ...*v1alpha1.Fallback) *composite.Formula {
	t.Helper()
	var fb *v1alpha1.Fallback
	if len(fallback) > 0 {
		fb = fallback[0]
	}
	f, err := composite.Compile(&v1alpha1.ScaledObjectSpec{
		Fallback: fb,
		Advanced: &v1alpha1.AdvancedConfig{ScalingModifiers: v1alpha1.ScalingModifiers{
			Formula: formula, Target: "2", ActivationTarget: "1", MetricType: autoscalingType(metricType)}},
		Triggers: []v1alpha1.ScaleTriggers{{Name: "a", Type: "x"}, {Name: "b", Type: "y"}, {Name: "c", Type: "z"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCompositeAt(t *testing.T) {
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	fresh := func(name string, v float64, age time.Duration) TriggerState {
		return TriggerState{Name: name, Polled: true, Value: v, LastSuccess: now.Add(-age), FreshUntil: now.Add(time.Minute)}
	}
	failing := func(name string, failures int) TriggerState {
		return TriggerState{Name: name, Polled: true, ConsecutiveFailures: failures, LastError: "connection refused",
			LastSuccess: now.Add(-time.Minute), FreshUntil: now.Add(time.Minute)}
	}
	fb := &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3}
	nilFB := &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3, Behavior: v1alpha1.FallbackScalingModifiers}
	tests := []struct {
		name       string
		formula    string
		metricType string
		fallback   *v1alpha1.Fallback
		triggers   []TriggerState
		want       CompositeValue
		reason     string
	}{
		{name: "sum of fresh values", formula: "a + b", triggers: []TriggerState{fresh("a", 3, time.Second), fresh("b", 4, 5*time.Second)},
			want: CompositeValue{Known: true, Value: 7, Active: true, Observed: now.Add(-5 * time.Second)}},
		{name: "at activation target is inactive", formula: "a - b", triggers: []TriggerState{fresh("a", 5, 0), fresh("b", 4, 0)},
			want: CompositeValue{Known: true, Value: 1, Observed: now}},
		{name: "negative is served as 0", formula: "a - b", triggers: []TriggerState{fresh("a", 1, 0), fresh("b", 4, 0)},
			want: CompositeValue{Known: true, Value: 0, Observed: now}},
		{name: "unread trigger does not matter", formula: "a", triggers: []TriggerState{fresh("a", 2, 0), failing("b", 5)},
			want: CompositeValue{Known: true, Value: 2, Active: true, Observed: now}},
		{name: "failing trigger makes it unknown, never 0", formula: "a + b", triggers: []TriggerState{fresh("a", 3, 0), failing("b", 1)},
			reason: `trigger "b" is failing: connection refused`},
		{name: "not polled yet", formula: "a + b", triggers: []TriggerState{fresh("a", 3, 0), {Name: "b"}},
			want: CompositeValue{Waiting: true}, reason: "not been polled"},
		{name: "invalid trigger", formula: "a + c", triggers: []TriggerState{fresh("a", 3, 0)}, reason: `trigger "c" is not polled`},
		{name: "fallback below threshold is unknown", formula: "a + b", fallback: fb, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 1)},
			reason: "failing"},
		{name: "fallback serves replicas times target", formula: "a + b", fallback: fb, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 2)},
			want: CompositeValue{Known: true, Value: 6, Active: true, InFallback: true, Observed: now}},
		{name: "fallback for Value too", formula: "a + b", metricType: "Value", fallback: fb, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 2)},
			want: CompositeValue{Known: true, Value: 6, Active: true, InFallback: true, Observed: now}},
		{name: "fallback of 0 replicas is not active", formula: "a + b", fallback: &v1alpha1.Fallback{FailureThreshold: 1}, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 1)},
			want: CompositeValue{Known: true, InFallback: true, Observed: now}},
		{name: "non-static behaviour falls back the same", formula: "a + b", fallback: &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3, Behavior: v1alpha1.FallbackCurrentReplicasIfHigher},
			triggers: []TriggerState{fresh("a", 3, 0), failing("b", 2)}, want: CompositeValue{Known: true, Value: 6, Active: true, InFallback: true, Observed: now}},
		{name: "nil: ?? supplies the default", formula: "a + (b ?? 0)", fallback: nilFB, triggers: []TriggerState{fresh("a", 3, 2*time.Second), failing("b", 2)},
			want: CompositeValue{Known: true, Value: 3, Active: true, Nils: "b", Observed: now.Add(-2 * time.Second)}},
		{name: "nil: below the threshold is unknown", formula: "a + (b ?? 0)", fallback: nilFB, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 1)},
			reason: `trigger "b" is failing`},
		{name: "nil: a stale value reads as nil", formula: "a + (b ?? 0)", fallback: nilFB, triggers: []TriggerState{fresh("a", 3, 0),
			{Name: "b", Polled: true, Value: 9, LastSuccess: now.Add(-time.Hour), FreshUntil: now.Add(-time.Minute)}},
			want: CompositeValue{Known: true, Value: 3, Active: true, Nils: "b", Observed: now}},
		{name: "nil: without ?? it is an error, never 0", formula: "a + b", fallback: nilFB, triggers: []TriggerState{fresh("a", 3, 0), failing("b", 2)},
			reason: "read as nil: b"},
		{name: "nil: a nil result serves replicas times target", formula: "a ?? b", fallback: nilFB, triggers: []TriggerState{failing("a", 3), failing("b", 2)},
			want: CompositeValue{Known: true, Value: 6, Active: true, InFallback: true, Nils: "a,b", Observed: now}},
		{name: "nil: all nil with a constant default", formula: "a ?? b ?? 8", fallback: nilFB, triggers: []TriggerState{failing("a", 3), failing("b", 2)},
			want: CompositeValue{Known: true, Value: 8, Active: true, Nils: "a,b", Observed: now}},
		{name: "nil: fresh values as usual", formula: "a + (b ?? 0)", fallback: nilFB, triggers: []TriggerState{fresh("a", 3, 0), fresh("b", 4, 0)},
			want: CompositeValue{Known: true, Value: 7, Active: true, Observed: now}},
		{name: "evaluation error is unknown", formula: "int(a) % int(b)", triggers: []TriggerState{fresh("a", 3, 0), fresh("b", 0, 0)},
			reason: "evaluate formula"},
		{name: "constant formula", formula: "5", want: CompositeValue{Known: true, Value: 5, Active: true, Observed: now}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &ObjectState{Composite: compileFormula(t, tc.formula, tc.metricType, tc.fallback), Fallback: tc.fallback, Triggers: tc.triggers}
			got := st.CompositeAt(now)
			if !strings.Contains(got.Reason, tc.reason) || (tc.reason == "") != (got.Reason == "") {
				t.Fatalf("reason = %q, want it to hold %q", got.Reason, tc.reason)
			}
			got.Reason = ""
			if got != tc.want {
				t.Fatalf("CompositeAt = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func autoscalingType(s string) autoscalingv2.MetricTargetType {
	return autoscalingv2.MetricTargetType(s)
}
