//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// replicaHistory is every spec.replicas a Deployment took since it was
// started, read from a watch: a count held only for an instant (the HPA's
// floor just before the activator takes the target to 0) is still seen,
// where polling could miss it.
type replicaHistory struct {
	mu   sync.Mutex
	seen []int32
}

// recordReplicas starts a replicaHistory of the Deployment ns/name; it stops
// with the test.
func recordReplicas(t *testing.T, ns, name string) *replicaHistory {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h := &replicaHistory{}
	changes := replicaChanges(ctx, t, ns, name)
	first := <-changes
	h.add(first)
	go func() {
		for r := range changes {
			h.add(r)
		}
	}()
	return h
}

// replicaChanges sends the spec.replicas of the Deployment ns/name now, then
// its value in every change a watch sees, until ctx ends (the channel is
// then closed).
func replicaChanges(ctx context.Context, t *testing.T, ns, name string) <-chan int32 {
	t.Helper()
	deployments := cluster.Client.AppsV1().Deployments(ns)
	d, err := deployments.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lw := &cache.ListWatch{WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		o.FieldSelector = "metadata.name=" + name
		return deployments.Watch(ctx, o)
	}}
	rw, err := watchtools.NewRetryWatcherWithContext(ctx, d.ResourceVersion, lw)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan int32, 64)
	out <- replicasOf(d)
	go func() {
		defer close(out)
		defer rw.Stop()
		for {
			select {
			case ev, ok := <-rw.ResultChan():
				if !ok {
					return
				}
				if d, ok := ev.Object.(*appsv1.Deployment); ok {
					select {
					case out <- replicasOf(d):
					case <-ctx.Done():
						return
					}
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// replicasOf is d's spec.replicas, 1 when unset (the API's default).
func replicasOf(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// add records r when it differs from the last recorded.
func (h *replicaHistory) add(r int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.seen); n == 0 || h.seen[n-1] != r {
		h.seen = append(h.seen, r)
	}
}

// waitPassedThrough waits until the history holds want in this order,
// possibly with other counts in between, and fails with the history
// otherwise.
func (h *replicaHistory) waitPassedThrough(t *testing.T, timeout time.Duration, what string, want ...int32) {
	t.Helper()
	eventually(t, timeout, what, func() error {
		h.mu.Lock()
		seen := slices.Clone(h.seen)
		h.mu.Unlock()
		rest := want
		for _, r := range seen {
			if len(rest) > 0 && r == rest[0] {
				rest = rest[1:]
			}
		}
		if len(rest) > 0 {
			return fmt.Errorf("replicas went %v, want them to pass through %v", seen, want)
		}
		return nil
	})
}
