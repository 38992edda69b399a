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
	deployments := cluster.Client.AppsV1().Deployments(ns)
	d, err := deployments.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := &replicaHistory{}
	h.add(d)
	lw := &cache.ListWatch{WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		o.FieldSelector = "metadata.name=" + name
		return deployments.Watch(ctx, o)
	}}
	rw, err := watchtools.NewRetryWatcherWithContext(ctx, d.ResourceVersion, lw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rw.Stop)
	go func() {
		for ev := range rw.ResultChan() {
			if d, ok := ev.Object.(*appsv1.Deployment); ok {
				h.add(d)
			}
		}
	}()
	return h
}

// add records d's replicas when they differ from the last recorded.
func (h *replicaHistory) add(d *appsv1.Deployment) {
	r := int32(1)
	if d.Spec.Replicas != nil {
		r = *d.Spec.Replicas
	}
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
