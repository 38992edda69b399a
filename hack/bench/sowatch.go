package main

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
)

// soCounters are counts of ScaledObjects in the bench namespace kept up to
// date from a watch: with Ready=True (the activator's verdict) and with the
// Active condition (the adapter's first publication).
type soCounters struct {
	ready, active *tracker
	cancel        context.CancelFunc
	factory       externalversions.SharedInformerFactory
}

// watchScaledObjects starts the counters; stop ends them.
func (e *env) watchScaledObjects(ctx context.Context) (*soCounters, error) {
	ctx, cancel := context.WithCancel(ctx)
	f := externalversions.NewSharedInformerFactoryWithOptions(e.keda, 0, externalversions.WithNamespace(benchNamespace))
	c := &soCounters{ready: newTracker(), active: newTracker(), cancel: cancel, factory: f}
	inf := f.Keda().V1alpha1().ScaledObjects().Informer()
	// Handlers of one informer run one at a time, so the maps need no lock.
	ready, active := counted{}, counted{}
	update := func(obj any) {
		so, ok := obj.(*v1alpha1.ScaledObject)
		if !ok {
			return
		}
		r := so.Status.Condition(v1alpha1.ConditionReady)
		c.ready.set(ready.put(so.Name, r != nil && r.Status == metav1.ConditionTrue))
		c.active.set(active.put(so.Name, so.Status.Condition(v1alpha1.ConditionActive) != nil))
	}
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: update, UpdateFunc: func(_, obj any) { update(obj) },
	})
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("watch ScaledObjects: %w", err)
	}
	if err := startSynced(ctx, f); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

// stop ends the watch and waits for its goroutines.
func (c *soCounters) stop() {
	c.cancel()
	c.factory.Shutdown()
}

// counted is a set of names with its size.
type counted map[string]struct{}

// put adds name when in, removes it otherwise, and returns the set's size.
func (c counted) put(name string, in bool) int {
	if in {
		c[name] = struct{}{}
	} else {
		delete(c, name)
	}
	return len(c)
}
