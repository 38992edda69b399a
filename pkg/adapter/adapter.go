// Package adapter is the core of sluice-adapter: informers on ScaledObjects,
// (Cluster)TriggerAuthentications and the Secrets and ConfigMaps triggers
// read feed a controller that resolves each object's triggers
// (authentication, environment, the trigger registry) into the poll
// engine, and a publisher that writes each object's activity to its status
// while this replica leads. The program's wiring (options, clients, the
// metrics API server, leader election, certificates) is in
// cmd/sluice-adapter/app.
package adapter

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/provider"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Config is what the adapter's core needs; the wiring builds it.
type Config struct {
	Kube     kubernetes.Interface
	Keda     versioned.Interface
	Dynamic  dynamic.Interface
	Metadata metadata.Interface
	// Engine polls the resolved triggers; Registry builds them.
	Engine   *poll.Engine
	Registry *scalers.Registry
	// Recorder records Events on ScaledObjects.
	Recorder record.EventRecorder
	// WatchNamespaces limits the watch; all namespaces when empty.
	WatchNamespaces []string
	// Namespace is the adapter's own: ClusterTriggerAuthentications read
	// Secrets and ConfigMaps from it.
	Namespace string
	// ResyncPeriod re-reads every object this often.
	ResyncPeriod time.Duration
	// Workers reconcile, and publish, this many ScaledObjects at once.
	Workers int
	Log     *zap.Logger
}

// Adapter is the core: build it with New, Run it on every replica, and
// Lead on the elected one.
type Adapter struct {
	w        *watches
	objects  *objectWatches
	replicas *hpaReplicas
	ctrl    *controller
	pub     *publisher
	workers int
}

// New sets up the informers and the controller; nothing runs yet.
func New(cfg Config) (*Adapter, error) {
	if cfg.Workers < 1 {
		return nil, errors.New("adapter: workers must be at least 1")
	}
	var ctrl *controller
	w, err := newWatches(cfg.Keda, cfg.WatchNamespaces, cfg.ResyncPeriod,
		func(key string) { ctrl.enqueue(key) },
		func(ns, kind, name string) { ctrl.authChanged(ns, kind, name) })
	if err != nil {
		return nil, err
	}
	objects, err := newObjectWatches(cfg.Kube, cfg.Metadata, cfg.WatchNamespaces, cfg.Namespace, cfg.ResyncPeriod, func(ref objRef) { ctrl.objectChanged(ref) })
	if err != nil {
		return nil, err
	}
	w.synced = append(w.synced, objects.synced...)
	replicas := newHPAReplicas(cfg.Kube, w, cfg.WatchNamespaces, cfg.ResyncPeriod)
	w.synced = append(w.synced, replicas.synced...)
	res := &resolver{
		kube: cfg.Kube, dyn: cfg.Dynamic, w: w, registry: cfg.Registry, ownNamespace: cfg.Namespace, log: cfg.Log.Named("triggers"),
		mapper:  restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cfg.Kube.Discovery())),
		objects: objects,
	}
	pub := newPublisher(cfg.Keda, w, cfg.Engine, clock.RealClock{}, cfg.Recorder, cfg.Log)
	ctrl = newController(w, res, cfg.Engine, pub, cfg.Recorder, cfg.Log)
	return &Adapter{w: w, objects: objects, replicas: replicas, ctrl: ctrl, pub: pub, workers: cfg.Workers}, nil
}

// Run runs the informers and, once they synced, the controller until ctx
// is done, and returns after both stopped.
func (a *Adapter) Run(ctx context.Context) {
	a.w.start(ctx)
	a.objects.start(ctx)
	a.replicas.start(ctx)
	defer a.w.shutdown()
	defer a.objects.shutdown()
	defer a.replicas.shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), a.w.synced...) {
		return // stopping
	}
	a.ctrl.run(ctx, a.workers)
}

// Lead publishes status until ctx is done: one call per leadership term.
func (a *Adapter) Lead(ctx context.Context) {
	a.pub.run(ctx, a.workers, a.ctrl.keys)
}

// Replicas reads a scale target's current replica count from the caches,
// for the provider's fallback; it answers once Run has synced.
func (a *Adapter) Replicas() provider.ReplicaReader { return a.replicas }

// HasSynced reports whether every informer has synced: with the metrics
// API serving, what readiness means.
func (a *Adapter) HasSynced() bool { return a.w.hasSynced() }
