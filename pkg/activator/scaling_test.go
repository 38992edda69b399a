package activator

import (
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	core "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestScaleUpOnActive(t *testing.T) {
	tests := []struct {
		name     string
		mods     []soMod
		replicas int32
		want     string
	}{
		{name: "0 to 1", mods: []soMod{active}, replicas: 0, want: "update deployments/scale web=1"},
		{name: "0 to minReplicaCount", mods: []soMod{active, withMin(3)}, replicas: 0, want: "update deployments/scale web=3"},
		{name: "idle to minReplicaCount", mods: []soMod{active, withMin(3), func(so *v1alpha1.ScaledObject) {
			so.Spec.IdleReplicaCount = ptr.To[int32](1)
		}}, replicas: 1, want: "update deployments/scale web=3"},
		{name: "already up", mods: []soMod{active}, replicas: 2},
		{name: "inactive stays at 0", mods: []soMod{inactiveFor(time.Hour)}, replicas: 0},
		{name: "minReplicaCount restored without activity", mods: []soMod{withMin(2)}, replicas: 0, want: "update deployments/scale web=2"},
		{name: "0 to fallback.replicas", mods: []soMod{active, fallingBackTo(6, "")}, replicas: 0, want: "update deployments/scale web=6"},
		{name: "0 to fallback.replicas with currentReplicas", mods: []soMod{active, fallingBackTo(6, v1alpha1.FallbackCurrentReplicas)}, replicas: 0, want: "update deployments/scale web=6"},
		{name: "0 to fallback.replicas with currentReplicasIfLower", mods: []soMod{active, fallingBackTo(6, v1alpha1.FallbackCurrentReplicasIfLower)}, replicas: 0, want: "update deployments/scale web=6"},
		{name: "fallback capped at maxReplicaCount", mods: []soMod{active, fallingBackTo(200, "")}, replicas: 0, want: "update deployments/scale web=100"},
		{name: "fallback below minReplicaCount", mods: []soMod{active, withMin(3), fallingBackTo(2, "")}, replicas: 0, want: "update deployments/scale web=3"},
		{name: "idle to fallback.replicas", mods: []soMod{active, withMin(3), fallingBackTo(5, ""), func(so *v1alpha1.ScaledObject) {
			so.Spec.IdleReplicaCount = ptr.To[int32](1)
		}}, replicas: 1, want: "update deployments/scale web=5"},
		{name: "scalingModifiers behaviour: the floor", mods: []soMod{active, fallingBackTo(6, v1alpha1.FallbackScalingModifiers)}, replicas: 0, want: "update deployments/scale web=1"},
		{name: "fallback at n is the HPA's", mods: []soMod{active, fallingBackTo(6, "")}, replicas: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(tt.replicas, tt.mods...)
			f.expectSOWrites(tt.want)
			ev := strings.Join(f.events(), "\n")
			if tt.want != "" && !strings.Contains(ev, ReasonActivated) {
				t.Errorf("events = %q, want %s", ev, ReasonActivated)
			}
		})
	}
}

func TestScaleUpEventNamesTrigger(t *testing.T) {
	f := newFixture(t)
	f.runSO(0, active)
	ev := f.events()
	if len(ev) != 1 || !strings.Contains(ev[0], "ScaleTargetActivated Scaled Deployment web from 0 to 1: active trigger orders (rabbitmq)") {
		t.Errorf("events = %q", ev)
	}
}

func TestScaleDown(t *testing.T) {
	tests := []struct {
		name        string
		mods        []soMod
		replicas    int32
		metricsErr  error
		value       string
		observed    time.Time
		wantScale   string
		wantRequeue time.Duration
	}{
		{name: "before cooldown", mods: []soMod{inactiveFor(100 * time.Second)}, replicas: 1, wantRequeue: 200 * time.Second},
		{name: "after cooldown", mods: []soMod{inactiveFor(301 * time.Second)}, replicas: 1, wantScale: "update deployments/scale web=0"},
		{name: "custom cooldown", mods: []soMod{inactiveFor(31 * time.Second), func(so *v1alpha1.ScaledObject) {
			so.Spec.CooldownPeriod = ptr.To[int32](30)
		}}, replicas: 1, wantScale: "update deployments/scale web=0"},
		{name: "never from n above the floor", mods: []soMod{inactiveFor(time.Hour)}, replicas: 4},
		{name: "not with minReplicaCount 1", mods: []soMod{inactiveFor(time.Hour), withMin(1)}, replicas: 1},
		{name: "to idleReplicaCount from the floor", mods: []soMod{inactiveFor(time.Hour), withMin(2), func(so *v1alpha1.ScaledObject) {
			so.Spec.IdleReplicaCount = ptr.To[int32](0)
		}}, replicas: 2, wantScale: "update deployments/scale web=0"},
		{name: "initial cooldown not over", mods: []soMod{neverActive(10 * time.Second), inactiveFor(10 * time.Second), withInitialCooldown(60)}, replicas: 1, wantRequeue: 50 * time.Second},
		{name: "initial cooldown over", mods: []soMod{neverActive(61 * time.Second), inactiveFor(61 * time.Second), withInitialCooldown(60)}, replicas: 1, wantScale: "update deployments/scale web=0"},
		{name: "Active condition missing", replicas: 1},
		{name: "Active condition Unknown", mods: []soMod{withCondition(v1alpha1.ConditionActive, metav1.ConditionUnknown, t0.Add(-time.Hour))}, replicas: 1},
		{name: "trigger unhealthy", mods: []soMod{inactiveFor(time.Hour), unhealthy}, replicas: 1},
		{name: "trigger unhealthy under fallback", mods: []soMod{inactiveFor(time.Hour), unhealthy,
			withCondition(v1alpha1.ConditionFallback, metav1.ConditionTrue, t0.Add(-time.Hour))}, replicas: 1},
		{name: "never to 0 while falling back", mods: []soMod{inactiveFor(time.Hour),
			withCondition(v1alpha1.ConditionFallback, metav1.ConditionTrue, t0.Add(-time.Hour))}, replicas: 1},
		{name: "a trigger the adapter has not reported holds", mods: []soMod{inactiveFor(time.Hour), func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers = append(so.Spec.Triggers, v1alpha1.ScaleTriggers{Type: "kafka"})
		}}, replicas: 1},
		{name: "adapter not answering", mods: []soMod{inactiveFor(time.Hour)}, replicas: 1, metricsErr: errors.New("503"), wantRequeue: 30 * time.Second},
		{name: "stale Active=False: value read back above the threshold", mods: []soMod{inactiveFor(time.Hour), withActivation("2")}, replicas: 1, value: "3", wantRequeue: 30 * time.Second},
		{name: "value at the activation threshold", mods: []soMod{inactiveFor(time.Hour), withActivation("2")}, replicas: 1, value: "2", wantScale: "update deployments/scale web=0"},
		{name: "value observed before Active turned False", mods: []soMod{inactiveFor(time.Hour)}, replicas: 1, observed: t0.Add(-2 * time.Hour), wantRequeue: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.metrics.err, f.metrics.value, f.metrics.observed = tt.metricsErr, tt.value, tt.observed
			after := f.runSO(tt.replicas, tt.mods...)
			f.expectSOWrites(tt.wantScale)
			if after != tt.wantRequeue {
				t.Errorf("requeue after %v, want %v", after, tt.wantRequeue)
			}
			if tt.wantScale != "" {
				if got := strings.Join(f.metrics.calls, ","); got != "s0-rabbitmq-orders{scaledobject.keda.sh/name=so}" {
					t.Errorf("metrics read before scaling down = %q", got)
				}
				if ev := strings.Join(f.events(), "\n"); !strings.Contains(ev, ReasonDeactivated) {
					t.Errorf("events = %q, want %s", ev, ReasonDeactivated)
				}
			}
		})
	}
}

// withActivation sets the activation threshold the adapter reported.
func withActivation(q string) soMod {
	return func(so *v1alpha1.ScaledObject) { so.Status.Triggers[0].ActivationTarget = q }
}

// neverActive makes the object created d ago and never active.
func neverActive(d time.Duration) soMod {
	return func(so *v1alpha1.ScaledObject) {
		so.CreationTimestamp = metav1.NewTime(t0.Add(-d))
		so.Status.LastActiveTime = nil
	}
}

// withInitialCooldown sets initialCooldownPeriod in seconds.
func withInitialCooldown(s int32) soMod {
	return func(so *v1alpha1.ScaledObject) { so.Spec.InitialCooldownPeriod = ptr.To(s) }
}

// unhealthy marks the trigger failing.
func unhealthy(so *v1alpha1.ScaledObject) {
	so.Status.Triggers[0].Healthy = false
	so.Status.Triggers[0].NumberOfFailures = 3
}

// TestOriginalReplicaCountWrittenBeforeFirstScale checks that the status
// holding originalReplicaCount reaches the API server before /scale does.
func TestOriginalReplicaCountWrittenBeforeFirstScale(t *testing.T) {
	f := newFixture(t)
	f.objects = append(f.objects, scaledObject("so", active))
	f.replicas["deployments/web"] = 0
	var statusWritesBeforeScale int
	f.scales.PrependReactor("update", "*", func(core.Action) (bool, runtime.Object, error) {
		statusWritesBeforeScale = len(f.sluice.Actions())
		return false, nil, nil
	})
	f.run("so")
	if statusWritesBeforeScale == 0 {
		t.Error("/scale written before the status recorded originalReplicaCount")
	}
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so", "update deployments/scale web=1")
	if got := ptr.Deref(f.appliedStatus().OriginalReplicaCount, -1); got != 0 {
		t.Errorf("originalReplicaCount = %d, want 0", got)
	}
}

// fallingBackTo sets a fallback of replicas with behavior and the adapter's
// Fallback condition True.
func fallingBackTo(replicas int32, behavior v1alpha1.FallbackBehavior) soMod {
	return func(so *v1alpha1.ScaledObject) {
		so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 3, Replicas: replicas, Behavior: behavior}
		withCondition(v1alpha1.ConditionFallback, metav1.ConditionTrue, t0.Add(-time.Minute))(so)
	}
}
