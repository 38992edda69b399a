package activator

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	core "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// time1h is an hour.
const time1h = time.Hour

func TestFinalizer(t *testing.T) {
	tests := []struct {
		name          string
		mods          []soMod
		wantFinalizer *bool
	}{
		{name: "added with restoreToOriginalReplicaCount", mods: []soMod{withRestore}, wantFinalizer: ptr.To(true)},
		{name: "kept", mods: []soMod{withRestore, withFinalizer}},
		{name: "released when the option is turned off", mods: []soMod{withFinalizer}, wantFinalizer: ptr.To(false)},
		{name: "none without the option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(1, tt.mods...)
			want := []string{"apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so"}
			if tt.wantFinalizer != nil {
				want = []string{"apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects so", "apply scaledobjects/status so"}
			}
			got := f.writes()
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("writes:\n got %q\nwant %q", got, want)
			}
			if tt.wantFinalizer != nil {
				if has := slices.Contains(appliedFinalizers(t, f), FinalizerRestoreReplicas); has != *tt.wantFinalizer {
					t.Errorf("finalizer present = %v, want %v", has, *tt.wantFinalizer)
				}
			}
		})
	}
}

func TestRestoreOnDelete(t *testing.T) {
	deleting := func(so *v1alpha1.ScaledObject) { so.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }
	original := func(n int32) soMod {
		return func(so *v1alpha1.ScaledObject) { so.Status.OriginalReplicaCount = ptr.To(n) }
	}
	tests := []struct {
		name     string
		mods     []soMod
		replicas int32
		want     []string
	}{
		{name: "restores, then releases the finalizer", mods: []soMod{withRestore, withFinalizer, deleting, original(3)}, replicas: 1,
			want: []string{"delete horizontalpodautoscalers keda-hpa-so", "apply scaledobjects so", "update deployments/scale web=3"}},
		{name: "already at the original count", mods: []soMod{withRestore, withFinalizer, deleting, original(1)}, replicas: 1,
			want: []string{"delete horizontalpodautoscalers keda-hpa-so", "apply scaledobjects so"}},
		{name: "no finalizer: left to garbage collection", mods: []soMod{deleting, original(3)}, replicas: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			so := scaledObject("so", tt.mods...)
			f.objects = append(f.objects, so)
			f.hpas = append(f.hpas, ownedHPAFor(so))
			f.replicas["deployments/web"] = tt.replicas
			f.run("so")
			f.expectWrites(tt.want...)
			if len(tt.want) > 1 && slices.Contains(appliedFinalizers(t, f), FinalizerRestoreReplicas) {
				t.Error("finalizer not released")
			}
			if len(tt.want) > 2 && !strings.Contains(strings.Join(f.events(), "\n"), ReasonRestoredReplicas) {
				t.Errorf("no %s event", ReasonRestoredReplicas)
			}
		})
	}
}

func TestOriginalReplicaCountRecordedOnce(t *testing.T) {
	for _, tt := range []struct {
		name     string
		recorded *int32
		want     int32
	}{{"recorded", nil, 4}, {"kept", ptr.To[int32](2), 2}} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.runSO(4, func(so *v1alpha1.ScaledObject) { so.Status.OriginalReplicaCount = tt.recorded })
			if got := ptr.Deref(f.appliedStatus().OriginalReplicaCount, -1); got != tt.want {
				t.Errorf("originalReplicaCount = %d, want %d", got, tt.want)
			}
		})
	}
}

// withFinalizer puts the restore finalizer on the object.
func withFinalizer(so *v1alpha1.ScaledObject) {
	so.Finalizers = append(so.Finalizers, FinalizerRestoreReplicas)
}

// appliedFinalizers decodes the last apply to the main resource.
func appliedFinalizers(t *testing.T, f *fixture) []string {
	t.Helper()
	for _, a := range slices.Backward(f.sluice.Actions()) {
		if p, ok := a.(core.PatchAction); ok && p.GetSubresource() == "" {
			var so v1alpha1.ScaledObject
			if err := json.Unmarshal(p.GetPatch(), &so); err != nil {
				t.Fatal(err)
			}
			return so.Finalizers
		}
	}
	t.Fatal("no apply to the ScaledObject")
	return nil
}
