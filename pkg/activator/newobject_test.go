package activator

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// unreported makes so a new object created age ago that the adapter has
// not reported yet.
func unreported(age time.Duration) soMod {
	return func(so *v1alpha1.ScaledObject) {
		so.CreationTimestamp = metav1.NewTime(t0.Add(-age))
		so.Status = v1alpha1.ScaledObjectStatus{}
	}
}

func TestAwaitAdapter(t *testing.T) {
	tests := []struct {
		name       string
		mods       []soMod
		lastReport time.Time // the adapter's last first report of any object; zero: none
		want       time.Duration
	}{
		{"new, not reported", []soMod{unreported(time.Second)}, time.Time{}, adapterGrace - time.Second},
		{"grace over", []soMod{unreported(adapterGrace)}, time.Time{}, 0},
		{"reported", []soMod{unreported(time.Second), func(so *v1alpha1.ScaledObject) {
			so.Status.Triggers = []v1alpha1.TriggerStatus{{MetricName: "s0-rabbitmq-orders", Target: "5"}}
		}}, time.Time{}, 0},
		{"Active published", []soMod{unreported(time.Second), withCondition(v1alpha1.ConditionActive, metav1.ConditionTrue, t0)}, time.Time{}, 0},
		{"activator wrote before", []soMod{unreported(time.Second), func(so *v1alpha1.ScaledObject) {
			so.Status.Conditions = []v1alpha1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse}}
		}}, time.Time{}, 0},
		{"a cpu trigger", []soMod{unreported(time.Second), func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers = append(so.Spec.Triggers, v1alpha1.ScaleTriggers{Type: "cpu", Metadata: map[string]string{"value": "50"}})
		}}, time.Time{}, 0},
		{"no triggers", []soMod{unreported(time.Second), func(so *v1alpha1.ScaledObject) { so.Spec.Triggers = nil }}, time.Time{}, 0},
		{"minReplicaCount 1", []soMod{unreported(time.Second), withMin(1)}, time.Time{}, 0},
		{"paused", []soMod{unreported(time.Second), withAnnotation(v1alpha1.AnnotationPaused, "true")}, time.Time{}, 0},
		{"paused replicas", []soMod{unreported(time.Second), withAnnotation(v1alpha1.AnnotationPausedReplicas, "2")}, time.Time{}, 0},
		{"forced", []soMod{unreported(time.Second), withAnnotation(v1alpha1.AnnotationForceActivation, "true")}, time.Time{}, 0},
		{"woken", []soMod{unreported(time.Second), withAnnotation(v1alpha1.AnnotationHTTPWake, t0.Format(time.RFC3339))}, time.Time{}, 0},
		{"other annotations", []soMod{unreported(time.Second), withAnnotation("team", "a")}, time.Time{}, adapterGrace - time.Second},
		{"grace over, the adapter still taking objects in", []soMod{unreported(adapterGrace + time.Second)}, t0.Add(-2 * time.Second), adapterProgress},
		{"grace over, the adapter's last report too long ago", []soMod{unreported(adapterGrace + time.Second)}, t0.Add(-adapterProgress), 0},
		{"near the longest wait", []soMod{unreported(adapterGraceMax - 3*time.Second)}, t0, 3 * time.Second},
		{"the longest wait over", []soMod{unreported(adapterGraceMax)}, t0, 0},
		{"no creation time", []soMod{unreported(time.Second), func(so *v1alpha1.ScaledObject) { so.CreationTimestamp = metav1.Time{} }}, time.Time{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := awaitAdapter(scaledObject("so", tt.mods...), t0, tt.lastReport); got != tt.want {
				t.Errorf("awaitAdapter = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNewObjectWaitsForAdapter: a new object's first reconcile before the
// adapter's report reads and writes nothing and waits; once the report is there, one reconcile writes the HPA and the
// status once each.
func TestNewObjectWaitsForAdapter(t *testing.T) {
	f := newFixture(t)
	f.addSO(scaledObject("so", unreported(2*time.Second)), 1)
	c := f.newController()
	if after := f.sync(c, "so"); after != 0 {
		t.Fatalf("sync requeues after %v", after)
	}
	if _, waiting := c.waiting.Load(ns + "/so"); !waiting {
		t.Error("the object is not waiting for the adapter")
	}
	if n := len(f.scales.Actions()); n != 0 {
		t.Errorf("%d /scale requests while waiting for the adapter", n)
	}
	f.expectWrites()
	if ev := f.events(); len(ev) != 0 {
		t.Errorf("events while waiting: %q", ev)
	}

	reported := newFixture(t)
	so := scaledObject("so", unreported(2*time.Second))
	so.Status.Triggers = scaledObject("x").Status.Triggers
	active(so)
	reported.addSO(so, 1)
	reported.run("so")
	reported.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
	expectReady(t, reported.appliedStatus(), metav1.ConditionTrue, ReasonReady)
}

// TestNewObjectAfterGrace: with no report after the grace, the object is
// reconciled and shows WaitingForAdapter, as before.
func TestNewObjectAfterGrace(t *testing.T) {
	f := newFixture(t)
	f.runSO(1, unreported(adapterGrace+time.Second))
	f.expectNotReady(ReasonWaitingForAdapter)
}

// TestGraceEndAfterReport: when the grace of an object that waited ends
// after the adapter's report has been reconciled, nothing is read or
// written again; when it ends without a report, the object is reconciled.
func TestGraceEndAfterReport(t *testing.T) {
	f := newFixture(t)
	f.addSO(scaledObject("so", unreported(2*time.Second)), 1)
	c := f.newController()
	f.sync(c, "so")
	if n := len(f.scales.Actions()); n != 0 {
		t.Fatalf("%d /scale requests while waiting", n)
	}
	// The grace ends with no report: reconciled, WaitingForAdapter.
	f.clock.Step(adapterGrace)
	f.sync(c, "so"+graceKeySuffix)
	f.expectWrites("apply scaledobjects/status so")

	// Another object reported before its grace ended.
	g := newFixture(t)
	g.addSO(scaledObject("so", unreported(2*time.Second)), 1)
	c = g.newController()
	g.sync(c, "so")
	reported := scaledObject("so")
	active(reported)
	reported.CreationTimestamp = metav1.NewTime(t0.Add(-2 * time.Second))
	if err := c.sources[""].soIndex.Update(reported); err != nil {
		t.Fatal(err)
	}
	g.sync(c, "so")
	reads := len(g.scales.Actions())
	g.clock.Step(adapterGrace)
	g.sync(c, "so"+graceKeySuffix)
	if n := len(g.scales.Actions()); n != reads {
		t.Errorf("the grace's end read /scale again (%d requests, %d before)", n, reads)
	}
	g.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
}

// TestGraceLastsWhileTheAdapterReports: an object whose grace ends while
// the adapter is still reporting on other new objects (its first reports
// reach the ScaledObject handler) waits on with nothing read or written;
// once the adapter has reported nothing for adapterProgress, it is
// reconciled and shows WaitingForAdapter.
func TestGraceLastsWhileTheAdapterReports(t *testing.T) {
	f := newFixture(t)
	f.addSO(scaledObject("so", unreported(2*time.Second)), 1)
	c := f.newController()
	f.sync(c, "so")

	// Just before the grace ends, the adapter reports on another object.
	f.clock.Step(adapterGrace - 3*time.Second)
	other := scaledObject("other", unreported(time.Second))
	reported := scaledObject("other")
	active(reported)
	c.scaledObjectHandler().OnUpdate(other, reported)

	f.clock.Step(2 * time.Second) // the grace is over
	f.sync(c, "so"+graceKeySuffix)
	if n := len(f.scales.Actions()); n != 0 {
		t.Errorf("%d /scale requests while the adapter is still reporting", n)
	}
	f.expectWrites()
	if _, waiting := c.waiting.Load(ns + "/so"); !waiting {
		t.Fatal("the object stopped waiting while the adapter is still reporting")
	}

	f.clock.Step(adapterProgress) // no report since
	f.sync(c, "so"+graceKeySuffix)
	f.expectNotReady(ReasonWaitingForAdapter)
}
