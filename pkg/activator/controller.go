package activator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/labels"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	autoscalinginformers "k8s.io/client-go/informers/autoscaling/v2"
	"k8s.io/client-go/kubernetes"
	autoscalinglisters "k8s.io/client-go/listers/autoscaling/v2"
	"k8s.io/client-go/scale"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	kedainformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions/keda/v1alpha1"
	kedalisters "github.com/sluice-dev/sluice/pkg/client/listers/keda/v1alpha1"
)

// Source is one pair of informers the controller watches: ScaledObjects
// and HPAs of one namespace, or of all namespaces when Namespace is empty.
type Source struct {
	// Namespace the informers are limited to; empty means all.
	Namespace string
	// ScaledObjects is the ScaledObject informer of Namespace.
	ScaledObjects kedainformers.ScaledObjectInformer
	// HPAs is the HorizontalPodAutoscaler informer of Namespace.
	HPAs autoscalinginformers.HorizontalPodAutoscalerInformer
}

// Config is what a Controller needs. Every field is required except Clock
// and Stats.
type Config struct {
	// Kube writes HPAs.
	Kube kubernetes.Interface
	// Sluice writes ScaledObject status and finalizers.
	Sluice versioned.Interface
	// Scales reads and writes targets' /scale.
	Scales scale.ScalesGetter
	// Resolver maps scaleTargetRefs to resources.
	Resolver TargetResolver
	// Metrics is asked for every external metric before a scale-down.
	Metrics MetricsChecker
	// Sources are the watched informers; one with an empty Namespace
	// covers all namespaces.
	Sources []Source
	// Recorder receives the Events about ScaledObjects.
	Recorder record.EventRecorder
	// Logger is named "activator" by New.
	Logger *zap.Logger
	// Clock defaults to the real clock.
	Clock clock.PassiveClock
	// Stats defaults to metrics that are not registered anywhere.
	Stats *Stats
}

// listers is one Source's caches.
type listers struct {
	scaledObjects kedalisters.ScaledObjectLister
	hpas          autoscalinglisters.HorizontalPodAutoscalerLister
	// soIndex and hpaIndex are the same caches, with the indexes of
	// index.go.
	soIndex, hpaIndex cache.Indexer
}

// Controller reconciles ScaledObjects into HPAs and 0 ⇄ 1 scaling. Build it
// with New, start the informers, then call Run.
type Controller struct {
	cfg   Config
	log   *zap.Logger
	clock clock.PassiveClock
	stats *Stats
	// mu guards queue, which is replaced at the end of each Run (each
	// leadership term): a shut-down queue cannot be reused.
	mu      sync.Mutex
	queue   workqueue.TypedRateLimitingInterface[string]
	sources map[string]listers
	synced  []cache.InformerSynced
	// statusWrites and hpaWrites are the controller's own writes the
	// caches have not seen yet (writes.go), by ScaledObject key and by
	// HPA key.
	statusWrites *writeLog[v1alpha1.ScaledObjectStatus]
	hpaWrites    *writeLog[*autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration]
	// waiting holds the keys of new objects waiting for the adapter's
	// first report (newobject.go); lastReport is when the activator last
	// saw such a first report, of any object, in Unix nanoseconds.
	waiting    sync.Map
	lastReport atomic.Int64
}

// New returns a Controller with event handlers registered on every
// source's informers. It does not start the informers.
func New(cfg Config) (*Controller, error) {
	if len(cfg.Sources) == 0 {
		return nil, errors.New("no informer sources")
	}
	c := &Controller{
		cfg:     cfg,
		log:     cfg.Logger.Named("activator"),
		clock:   cfg.Clock,
		stats:   cfg.Stats,
		sources: make(map[string]listers, len(cfg.Sources)),

		statusWrites: newWriteLog[v1alpha1.ScaledObjectStatus](),
		hpaWrites:    newWriteLog[*autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration](),
	}
	if c.clock == nil {
		c.clock = clock.RealClock{}
	}
	if c.stats == nil {
		c.stats = NewStats(nil)
	}
	c.queue = c.newQueue()
	for _, s := range cfg.Sources {
		if err := addIndexers(s); err != nil {
			return nil, err
		}
		c.sources[s.Namespace] = listers{
			scaledObjects: s.ScaledObjects.Lister(), hpas: s.HPAs.Lister(),
			soIndex: s.ScaledObjects.Informer().GetIndexer(), hpaIndex: s.HPAs.Informer().GetIndexer(),
		}
		soReg, err := s.ScaledObjects.Informer().AddEventHandler(c.scaledObjectHandler())
		if err != nil {
			return nil, fmt.Errorf("add scaledobject handler: %w", err)
		}
		hpaReg, err := s.HPAs.Informer().AddEventHandler(c.hpaHandler())
		if err != nil {
			return nil, fmt.Errorf("add hpa handler: %w", err)
		}
		c.synced = append(c.synced, soReg.HasSynced, hpaReg.HasSynced)
	}
	return c, nil
}

// HasSynced reports whether every informer has delivered its initial list
// to the controller; it backs /readyz.
func (c *Controller) HasSynced() bool {
	for _, s := range c.synced {
		if !s() {
			return false
		}
	}
	return true
}

// Run waits for the caches, then runs workers until ctx is done, and
// returns after every worker has stopped. Stopping is not an error, even
// before the caches synced, so Run returns nil when ctx ends.
func (c *Controller) Run(ctx context.Context, workers int) error {
	q := c.currentQueue()
	defer c.retireQueue(q)
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		c.log.Info("stopped before the caches synced")
		return nil
	}
	// A new term starts from everything in the caches, whatever the
	// previous term left undone.
	c.enqueueAll()
	c.log.Info("workers starting", zap.Int("workers", workers))
	var wg sync.WaitGroup
	wg.Go(func() { c.reportProgress(ctx, progressEvery) })
	for range workers {
		wg.Go(func() {
			for c.processNext(ctx, q) {
			}
		})
	}
	<-ctx.Done()
	c.retireQueue(q)
	wg.Wait()
	c.log.Info("workers stopped")
	return nil
}

// newQueue returns the queue of one term; every term's queue reports to
// the same workqueue_* series.
func (c *Controller) newQueue() workqueue.TypedRateLimitingInterface[string] {
	return workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.DefaultTypedControllerRateLimiter[string](),
		workqueue.TypedRateLimitingQueueConfig[string]{Name: "scaledobjects", MetricsProvider: c.stats.queue})
}

// currentQueue returns the queue event handlers add to.
func (c *Controller) currentQueue() workqueue.TypedRateLimitingInterface[string] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queue
}

// retireQueue shuts q down, which stops the workers of its term, and gives
// the handlers a fresh queue for the next term (Run may be called again).
func (c *Controller) retireQueue(q workqueue.TypedRateLimitingInterface[string]) {
	c.mu.Lock()
	if c.queue == q {
		c.queue = c.newQueue()
	}
	c.mu.Unlock()
	q.ShutDown()
}

// enqueueAll adds every ScaledObject of every source.
func (c *Controller) enqueueAll() {
	for _, l := range c.sources {
		all, err := l.scaledObjects.List(labels.Everything())
		if err != nil {
			continue
		}
		for _, so := range all {
			c.enqueue(so.Namespace, so.Name)
		}
	}
}

// processNext handles one key of q; it returns false when q shut down.
func (c *Controller) processNext(ctx context.Context, q workqueue.TypedRateLimitingInterface[string]) bool {
	key, quit := q.Get()
	if quit {
		return false
	}
	defer q.Done(key)
	start := c.clock.Now()
	after, err := c.sync(ctx, key)
	c.stats.observeReconcile(err, c.clock.Since(start))
	// Retries and requeues are of the object, whatever marked the key.
	obj := strings.TrimSuffix(key, graceKeySuffix)
	if err != nil {
		c.log.Error("reconcile failed", zap.String("scaledObject", obj), zap.Error(err))
		if obj != key {
			q.Forget(key)
		}
		q.AddRateLimited(obj) // backs off per object
		return true
	}
	q.Forget(key)
	if after > 0 {
		q.AddAfter(obj, after)
	}
	return true
}

// lookup returns the caches that hold namespace ns.
func (c *Controller) lookup(ns string) (listers, bool) {
	if l, ok := c.sources[""]; ok {
		return l, true
	}
	l, ok := c.sources[ns]
	return l, ok
}

// requeueFloor keeps retries for "unknown" states from spinning.
const requeueFloor = time.Second
