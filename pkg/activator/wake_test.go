package activator

import (
	"strings"
	"testing"
	"time"

	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// woke stamps the object as sluice-http does for a request d ago.
func woke(d time.Duration) soMod {
	return withAnnotation(v1alpha1.AnnotationHTTPWake, t0.Add(-d).Format(time.RFC3339Nano))
}

func TestWake(t *testing.T) {
	tests := []struct {
		name        string
		mods        []soMod
		replicas    int32
		wantScale   string
		wantRequeue time.Duration
		wantReady   string
		wantEvent   string
	}{
		{name: "fresh stamp wakes from zero", mods: []soMod{inactiveFor(time.Hour), woke(time.Second)}, replicas: 0,
			wantScale: "update deployments/scale web=1", wantRequeue: 299 * time.Second, wantReady: ReasonReady,
			wantEvent: "from 0 to 1: an HTTP request arrived"},
		{name: "fresh stamp holds the floor past the cooldown", mods: []soMod{inactiveFor(time.Hour), woke(100 * time.Second)}, replicas: 1,
			wantRequeue: 200 * time.Second, wantReady: ReasonReady},
		{name: "stamp in the future counts as now", mods: []soMod{inactiveFor(time.Hour), woke(-time.Hour)}, replicas: 1,
			wantRequeue: 300 * time.Second, wantReady: ReasonReady},
		{name: "expired stamp lets it go idle", mods: []soMod{inactiveFor(time.Hour), woke(301 * time.Second)}, replicas: 1,
			wantScale: "update deployments/scale web=0", wantReady: ReasonReady},
		{name: "expired stamp does not wake", mods: []soMod{inactiveFor(time.Hour), woke(time.Hour)}, replicas: 0, wantReady: ReasonReady},
		{name: "active trigger still named first", mods: []soMod{active, woke(time.Second)}, replicas: 0,
			wantScale: "update deployments/scale web=1", wantRequeue: 299 * time.Second, wantReady: ReasonReady,
			wantEvent: "active trigger orders"},
		{name: "cooldownPeriod 0 still wakes", mods: []soMod{inactiveFor(time.Hour), woke(time.Second), func(so *v1alpha1.ScaledObject) {
			so.Spec.CooldownPeriod = ptr.To[int32](0)
		}}, replicas: 0, wantScale: "update deployments/scale web=1", wantRequeue: 9 * time.Second, wantReady: ReasonReady,
			wantEvent: "an HTTP request arrived"},
		{name: "malformed stamp", mods: []soMod{inactiveFor(time.Hour), withAnnotation(v1alpha1.AnnotationHTTPWake, "yesterday")}, replicas: 0,
			wantReady: ReasonInvalidAnnotation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			after := f.runSO(tt.replicas, tt.mods...)
			f.expectSOWrites(tt.wantScale)
			if after != tt.wantRequeue {
				t.Errorf("requeue after %v, want %v", after, tt.wantRequeue)
			}
			if c := f.appliedStatus().Condition(v1alpha1.ConditionReady); c == nil || c.Reason != tt.wantReady {
				t.Errorf("Ready = %+v, want reason %s", c, tt.wantReady)
			}
			if ev := strings.Join(f.events(), "\n"); !strings.Contains(ev, tt.wantEvent) {
				t.Errorf("events = %q, want %q", ev, tt.wantEvent)
			}
		})
	}
}

func FuzzWakeLeft(f *testing.F) {
	f.Add("2026-01-02T03:04:05Z")
	f.Add("2026-01-02T03:04:05.123456789+02:00")
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		so := scaledObject("so", withAnnotation(v1alpha1.AnnotationHTTPWake, v))
		left, err := wakeLeft(so, t0)
		if err == nil && (left < 0 || left > 300*time.Second) {
			t.Fatalf("wakeLeft(%q) = %v, outside [0, cooldownPeriod]", v, left)
		}
	})
}
