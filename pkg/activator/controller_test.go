package activator

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// drain returns the queued keys, sorted.
func drain(c *Controller) []string {
	var keys []string
	for c.queue.Len() > 0 {
		k, _ := c.queue.Get()
		c.queue.Done(k)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestEventHandlers(t *testing.T) {
	f := newFixture(t)
	so := scaledObject("so")
	dup := scaledObject("dup")
	other := scaledObject("other", func(so *v1alpha1.ScaledObject) { so.Spec.ScaleTargetRef.Name = "api" })
	f.objects = append(f.objects, so, dup, other)
	c := f.newController()
	drain(c)

	tests := []struct {
		name string
		fire func()
		want []string
	}{
		{"owned hpa enqueues its owner", func() { c.hpaHandler().OnAdd(ownedHPAFor(so), false) }, []string{"default/so"}},
		{"foreign hpa enqueues objects on its target", func() { c.hpaHandler().OnAdd(foreignHPA("web"), false) }, []string{"default/dup", "default/so"}},
		{"hpa status churn is ignored", func() {
			o := ownedHPAFor(so)
			n := o.DeepCopy()
			n.Status.Conditions = []autoscalingv2.HorizontalPodAutoscalerCondition{{Type: autoscalingv2.ScalingActive, LastTransitionTime: metav1.NewTime(t0)}}
			c.hpaHandler().OnUpdate(o, n)
		}, nil},
		{"hpa replica change is seen", func() {
			o := ownedHPAFor(so)
			n := o.DeepCopy()
			n.Status.CurrentReplicas = 1
			c.hpaHandler().OnUpdate(o, n)
		}, []string{"default/so"}},
		{"scaledobject enqueues itself and rivals", func() { c.scaledObjectHandler().OnAdd(so, false) }, []string{"default/dup", "default/so"}},
		{"scaledobject on another target", func() { c.scaledObjectHandler().OnDelete(other) }, []string{"default/other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fire()
			if got := drain(c); !slices.Equal(got, tt.want) {
				t.Errorf("queued %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRunReconcilesAndStops runs the controller with started informers on
// the fake clientsets until the HPA appears, then stops it.
func TestRunReconcilesAndStops(t *testing.T) {
	f, c := controllerWithSO(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	runInformers(ctx, &wg, c)
	done := make(chan error, 1)
	wg.Go(func() { done <- c.Run(ctx, 2) })
	err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		_, err := f.kube.Tracker().Get(hpaGVR, ns, "keda-hpa-so")
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("hpa never applied: %v", err)
	}
	if !c.HasSynced() {
		t.Error("HasSynced false after the caches synced")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestRunAgainInANewTerm: Run is one leadership term. After a term ends
// the controller runs again (its queue is not the dead one) and the new
// term starts from every object in the caches: an HPA deleted between
// terms is applied again.
func TestRunAgainInANewTerm(t *testing.T) {
	f, c := controllerWithSO(t)
	informers, stopInformers := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopInformers()
	runInformers(informers, &wg, c)
	hpaApplied := func(ctx context.Context) error {
		return wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
			_, err := f.kube.Tracker().Get(hpaGVR, ns, "keda-hpa-so")
			return err == nil, nil
		})
	}
	for term := 1; term <= 2; term++ {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx, 2) }()
		if err := hpaApplied(ctx); err != nil {
			cancel()
			t.Fatalf("term %d: hpa never applied: %v", term, err)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("term %d: Run: %v", term, err)
		}
		if err := f.kube.Tracker().Delete(hpaGVR, ns, "keda-hpa-so"); err != nil {
			t.Fatal(err)
		}
	}
}

// controllerWithSO returns a fixture holding the ScaledObject "so" over
// deployments/web at one replica, and its controller.
func controllerWithSO(t *testing.T) (*fixture, *Controller) {
	f := newFixture(t)
	f.objects = append(f.objects, scaledObject("so"))
	f.replicas["deployments/web"] = 1
	return f, f.newController()
}

// runInformers runs c's informers in wg until ctx is done.
func runInformers(ctx context.Context, wg *sync.WaitGroup, c *Controller) {
	for _, s := range c.cfg.Sources {
		wg.Go(func() { s.ScaledObjects.Informer().Run(ctx.Done()) })
		wg.Go(func() { s.HPAs.Informer().Run(ctx.Done()) })
	}
}
