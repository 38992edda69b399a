package main

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

// tracker holds one number observed from watch events, the time it was
// observed, and wakes waiters when it changes.
type tracker struct {
	mu      sync.Mutex
	value   int
	at      time.Time
	changed chan struct{}
}

func newTracker() *tracker { return &tracker{changed: make(chan struct{})} }

// set records v, observed now.
func (t *tracker) set(v int) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if v == t.value && !t.at.IsZero() {
		return
	}
	t.value, t.at = v, now
	close(t.changed)
	t.changed = make(chan struct{})
}

// wait returns the time the value was first observed to satisfy ok, after
// waiting for it up to timeout.
func (t *tracker) wait(ctx context.Context, timeout time.Duration, what string, ok func(int) bool) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		t.mu.Lock()
		v, at, ch := t.value, t.at, t.changed
		t.mu.Unlock()
		if ok(v) && !at.IsZero() {
			return at, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("%s: last seen %d: %w", what, v, ctx.Err())
		case <-ch:
		}
	}
}

// watchers runs informers on the bench namespace until stop; their
// goroutines belong to it.
type watchers struct {
	factory informers.SharedInformerFactory
	cancel  context.CancelFunc
}

// startWatchers starts informers in the bench namespace: the replicas of
// Deployment deployment go to replicas (when not nil) and the number of
// HPAs to hpas (when not nil). It returns once the caches are synced.
func startWatchers(ctx context.Context, c kubernetes.Interface, deployment string, replicas, hpas *tracker) (*watchers, error) {
	ctx, cancel := context.WithCancel(ctx)
	f := informers.NewSharedInformerFactoryWithOptions(c, 0, informers.WithNamespace(benchNamespace))
	w := &watchers{factory: f, cancel: cancel}
	if replicas != nil {
		onDeployment := func(obj any) {
			if d, ok := obj.(*appsv1.Deployment); ok && d.Name == deployment {
				replicas.set(int(ptr.Deref(d.Spec.Replicas, 1)))
			}
		}
		_, err := f.Apps().V1().Deployments().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: onDeployment, UpdateFunc: func(_, obj any) { onDeployment(obj) },
		})
		if err != nil {
			w.stop()
			return nil, fmt.Errorf("watch deployments: %w", err)
		}
	}
	if hpas != nil {
		inf := f.Autoscaling().V2().HorizontalPodAutoscalers().Informer()
		count := func(any) { hpas.set(len(inf.GetStore().ListKeys())) }
		_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: count, DeleteFunc: count})
		if err != nil {
			w.stop()
			return nil, fmt.Errorf("watch HPAs: %w", err)
		}
	}
	if err := startSynced(ctx, f); err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

// syncedFactory is an informer factory: client-go's or Sluice's.
type syncedFactory interface {
	Start(stop <-chan struct{})
	WaitForCacheSync(stop <-chan struct{}) map[reflect.Type]bool
}

// startSynced starts f's informers and waits until their caches synced.
func startSynced(ctx context.Context, f syncedFactory) error {
	f.Start(ctx.Done())
	for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("sync %v cache: %w", typ, context.Cause(ctx))
		}
	}
	return nil
}

// stop ends the informers and waits for their goroutines.
func (w *watchers) stop() {
	w.cancel()
	w.factory.Shutdown()
}
