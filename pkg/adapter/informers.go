package adapter

import (
	"context"

	"k8s.io/client-go/tools/cache"
)

// informerFactory is what the typed, the metadata and the generated KEDA
// informer factories have in common.
type informerFactory interface {
	Start(stopCh <-chan struct{})
	Shutdown()
}

// informerSet is the informer factories of one of the adapter's watch
// types and the HasSynced of every informer they hold.
type informerSet struct {
	factories []informerFactory
	synced    []cache.InformerSynced
}

// start starts every informer; they stop when ctx is done and shutdown
// waits for them.
func (s *informerSet) start(ctx context.Context) {
	for _, f := range s.factories {
		f.Start(ctx.Done())
	}
}

// shutdown waits for the informers' goroutines after ctx is done.
func (s *informerSet) shutdown() {
	for _, f := range s.factories {
		f.Shutdown()
	}
}

// hasSynced reports whether every informer has synced.
func (s *informerSet) hasSynced() bool {
	for _, synced := range s.synced {
		if !synced() {
			return false
		}
	}
	return true
}
