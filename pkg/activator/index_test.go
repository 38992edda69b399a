package activator

import (
	"errors"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// crowdedFixture is a namespace of n ScaledObjects s<i>, each scaling its
// own Deployment d<i> through its own HPA. The fixture only needs t to
// fail on a broken seed, so a benchmark passes a zero testing.T.
func crowdedFixture(t *testing.T, n int) (*Controller, []*v1alpha1.ScaledObject) {
	f := newFixture(t)
	objs := make([]*v1alpha1.ScaledObject, n)
	for i := range n {
		so := scaledObject(fmt.Sprintf("s%d", i))
		so.Spec.ScaleTargetRef = &v1alpha1.ScaleTarget{Name: fmt.Sprintf("d%d", i)}
		objs[i] = so
		h := ownedHPAFor(so)
		h.Spec.ScaleTargetRef.Name = so.Spec.ScaleTargetRef.Name
		f.objects, f.hpas = append(f.objects, so), append(f.hpas, h)
	}
	return f.newController(), objs
}

// TestIndexedLookups: the indexes find the same objects the full lists
// did: another object on the same target, an HPA on it, an owned HPA.
func TestIndexedLookups(t *testing.T) {
	c, objs := crowdedFixture(t, 50)
	l, _ := c.lookup(ns)
	twin := objs[7].DeepCopy()
	twin.Name, twin.UID = "twin", "uid-twin"
	twin.CreationTimestamp.Time = objs[7].CreationTimestamp.Add(1)
	if err := l.soIndex.Add(twin); err != nil {
		t.Fatal(err)
	}
	if err := duplicateTarget(l, twin); err == nil {
		t.Error("duplicateTarget found no earlier object on the same Deployment")
	}
	if err := duplicateTarget(l, objs[8]); err != nil {
		t.Errorf("duplicateTarget(s8) = %v, want nil", err)
	}
	tgt := &target{gvk: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, name: "d7"}
	if err := hpaConflict(l, twin, tgt); err == nil {
		t.Error("hpaConflict found no HPA of another object on the same Deployment")
	}
	if err := hpaConflict(l, objs[7], tgt); err != nil {
		t.Errorf("hpaConflict(s7) = %v, want nil", err)
	}
	owned, err := l.hpasBy(indexByController, string(objs[3].UID))
	if err != nil || len(owned) != 1 || owned[0].Name != objs[3].HPAName() {
		t.Errorf("HPAs controlled by s3 = %v, %v", owned, err)
	}
}

// BenchmarkConflictChecks is the per-reconcile cache work of one object in
// a namespace of 10,000: duplicate target, HPA conflict, stale owned HPAs.
func BenchmarkConflictChecks(b *testing.B) {
	c, objs := crowdedFixture(&testing.T{}, 10000)
	l, _ := c.lookup(ns)
	so := objs[5000]
	tgt := &target{gvk: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, name: so.Spec.ScaleTargetRef.Name}
	b.Run("indexed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := duplicateTarget(l, so); err != nil {
				b.Fatal(err)
			}
			if err := hpaConflict(l, so, tgt); err != nil {
				b.Fatal(err)
			}
			if _, err := l.hpasBy(indexByController, string(so.UID)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The three namespace-wide lists the checks made before the indexes,
	// without even the comparisons: the cost the indexes removed.
	b.Run("full lists", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err1 := l.scaledObjects.ScaledObjects(ns).List(labels.Everything())
			_, err2 := l.hpas.HorizontalPodAutoscalers(ns).List(labels.Everything())
			_, err3 := l.hpas.HorizontalPodAutoscalers(ns).List(labels.Everything())
			if err := errors.Join(err1, err2, err3); err != nil {
				b.Fatal(err)
			}
		}
	})
}
