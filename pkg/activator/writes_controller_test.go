package activator

import (
	"context"
	"testing"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	core "k8s.io/client-go/testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// answerWithResourceVersions makes the fakes answer the status and HPA
// applies with the resourceVersions a real API server would give them.
func answerWithResourceVersions(f *fixture, statusRV, hpaRV string) {
	f.sluice.PrependReactor("patch", "scaledobjects", func(a core.Action) (bool, runtime.Object, error) {
		so := f.objects[0].DeepCopy()
		so.ResourceVersion = statusRV
		return true, so, nil
	})
	f.kube.PrependReactor("patch", "horizontalpodautoscalers", func(a core.Action) (bool, runtime.Object, error) {
		h := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{
			Name: a.(core.PatchAction).GetName(), Namespace: ns, ResourceVersion: hpaRV}}
		return true, h, nil
	})
}

// syncedOnce returns a fixture, its ScaledObject "so" (at
// resourceVersion 10) and a controller that has reconciled it once, the
// fakes answering the status apply with 11 and the HPA apply with 12,
// which its caches have not seen.
func syncedOnce(t *testing.T) (*fixture, *v1alpha1.ScaledObject, *Controller) {
	t.Helper()
	f := newFixture(t)
	so := scaledObject("so", active)
	so.ResourceVersion = "10"
	f.addSO(so, 1)
	c := f.newController()
	answerWithResourceVersions(f, "11", "12")
	f.sync(c, "so")
	return f, so, c
}

// TestLaggingCacheNoRewrite: a second reconcile whose caches have not seen
// the first one's writes yet (a burst, the adapter's status arriving
// between) writes nothing again; once the caches hold a newer version
// they are the truth again.
func TestLaggingCacheNoRewrite(t *testing.T) {
	f, so, c := syncedOnce(t)
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")
	// The adapter's next status lands in the cache before the activator's
	// own writes do: the object at 10 again, no HPA cached yet.
	f.sync(c, "so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so")

	// The write's own events are echoes; they leave nothing remembered.
	hpa := ownedHPAFor(so)
	hpa.ResourceVersion = "12"
	c.hpaHandler().OnAdd(hpa, false)
	if n := c.queue.Len(); n != 0 {
		t.Errorf("the echo of the own HPA apply queued %d keys", n)
	}
	newer := so.DeepCopy()
	newer.ResourceVersion = "11"
	c.scaledObjectHandler().OnUpdate(so, newer)
	if c.hpaWrites.len() != 0 || c.statusWrites.len() != 0 {
		t.Errorf("remembered writes left after their echoes: %d HPA, %d status", c.hpaWrites.len(), c.statusWrites.len())
	}
	// With nothing pending, a cache that lacks the activator's fields is
	// believed: someone removed them, so they are written back.
	f.sync(c, "so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply horizontalpodautoscalers keda-hpa-so",
		"apply scaledobjects/status so", "apply scaledobjects/status so") // kube's writes, then sluice's
}

// TestLaggingCacheChangedWrite: while the cache lags, a reconcile that
// wants something else than the remembered write still writes it.
func TestLaggingCacheChangedWrite(t *testing.T) {
	f, so, c := syncedOnce(t)
	// The user raised maxReplicaCount; the cache has the new spec (at 13,
	// with the status written at 11) but not the HPA apply (12) of the
	// previous reconcile yet.
	changed := so.DeepCopy()
	changed.ResourceVersion, changed.Generation = "13", 2
	changed.Spec.MaxReplicaCount = ptrInt32(50)
	st := f.appliedStatus()
	changed.Status.HPAName, changed.Status.OriginalReplicaCount = st.HPAName, st.OriginalReplicaCount
	changed.Status.ScaleTargetKind, changed.Status.ScaleTargetGVKR = st.ScaleTargetKind, st.ScaleTargetGVKR
	changed.Status.ExternalMetricNames = st.ExternalMetricNames
	changed.Status.Conditions = append(changed.Status.Conditions, st.Conditions...)
	if err := c.sources[""].soIndex.Update(changed); err != nil {
		t.Fatal(err)
	}
	f.sync(c, "so")
	f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply horizontalpodautoscalers keda-hpa-so",
		"apply scaledobjects/status so")
	if got := f.appliedHPA().Spec.MaxReplicas; got != 50 {
		t.Errorf("applied maxReplicas %d, want 50", got)
	}
}

func ptrInt32(v int32) *int32 { return &v }

// TestHPAEchoBeforeAnswer: the HPA apply's watch event may arrive before
// the apply's answer; it is recognised by its content and queues nothing,
// and the write is then not remembered (the cache has it). An HPA with
// other content arriving meanwhile is queued.
func TestHPAEchoBeforeAnswer(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so", active)
	f.addSO(so, 1)
	c := f.newController()
	ctx := context.Background()
	f.sync(c, "so")
	// The fake's field-managed tracker stored the apply as a server would.
	stored, err := f.kube.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-so", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	desired, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(stored, FieldManager)
	if err != nil {
		t.Fatal(err)
	}
	drain(c)
	c.hpaWrites.forget(ns + "/keda-hpa-so")

	key := ns + "/keda-hpa-so"
	other := stored.DeepCopy()
	other.Spec.MaxReplicas = 99
	for _, tt := range []struct {
		name  string
		event *autoscalingv2.HorizontalPodAutoscaler
		queue int
	}{
		{"someone else's version", other, 1},
		{"the echo", stored, 0},
	} {
		c.hpaWrites.begin(key, so.UID, desired)
		c.hpaHandler().OnAdd(tt.event, false)
		if n := c.queue.Len(); n != tt.queue {
			t.Errorf("%s: %d keys queued, want %d", tt.name, n, tt.queue)
		}
		drain(c)
		c.hpaWrites.record(key, so.UID, "12", desired)
		if remembered := c.hpaWrites.len() == 1; remembered != (tt.queue == 1) {
			t.Errorf("%s: write remembered = %v after its answer", tt.name, remembered)
		}
		c.hpaWrites.forget(key)
	}
}
