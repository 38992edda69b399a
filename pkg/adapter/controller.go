package adapter

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// invalidRetry is how soon an object with triggers that could not be built
// is tried again: a missing Secret may appear any moment.
const invalidRetry = 30 * time.Second

// controller keeps the poll engine in step with the ScaledObjects: each
// add, change or delete reconfigures that object's pollers only.
type controller struct {
	w        *watches
	res      *resolver
	engine   *poll.Engine
	pub      *publisher
	recorder record.EventRecorder
	log      *zap.Logger
	queue    workqueue.TypedRateLimitingInterface[string]
	deps     *depIndex

	mu      sync.Mutex
	known   map[poll.Key]bool
	lastErr map[poll.Key]string
	// lastGood are the triggers of each object last built, sorted by
	// index: a slice, not a map by index, as most objects have one or two
	// triggers and a map costs several hundred bytes more per object.
	lastGood map[poll.Key][]poll.TriggerSpec
}

func newController(w *watches, res *resolver, engine *poll.Engine, pub *publisher, recorder record.EventRecorder, log *zap.Logger) *controller {
	return &controller{
		w: w, res: res, engine: engine, pub: pub, recorder: recorder, log: log.Named("controller"),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "scaledobjects"}),
		deps:     newDepIndex(),
		known:    map[poll.Key]bool{},
		lastErr:  map[poll.Key]string{},
		lastGood: map[poll.Key][]poll.TriggerSpec{},
	}
}

// enqueue schedules a reconcile of the ScaledObject key (namespace/name).
func (c *controller) enqueue(key string) { c.queue.Add(key) }

// authChanged schedules every ScaledObject that may use the named
// authentication: those of its namespace, or all for a cluster one.
func (c *controller) authChanged(namespace, kind, name string) {
	objs, err := c.w.scaledObjectsIn(namespace)
	if err != nil {
		return
	}
	for _, so := range objs {
		for _, t := range so.Spec.Triggers {
			if ref := t.AuthenticationRef; ref != nil && ref.Name == name && kindOf(ref) == kind {
				c.queue.Add(so.Namespace + "/" + so.Name)
				break
			}
		}
	}
}

func kindOf(ref *v1alpha1.AuthenticationRef) string {
	if ref.Kind == "" {
		return scalers.KindTriggerAuthentication
	}
	return ref.Kind
}

// keys returns the objects the engine knows.
func (c *controller) keys() []poll.Key {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]poll.Key, 0, len(c.known))
	for k := range c.known {
		out = append(out, k)
	}
	return out
}

// run reconciles with workers goroutines until ctx is done.
func (c *controller) run(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	defer wg.Wait()
	defer c.queue.ShutDown()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.next(ctx) {
			}
		}()
	}
	<-ctx.Done()
}

func (c *controller) next(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	if c.sync(ctx, key) {
		c.queue.AddRateLimited(key) // a transient failure: back off
		return true
	}
	c.queue.Forget(key)
	return true
}

// sync reconfigures the pollers of one ScaledObject. It reports whether a
// trigger failed transiently and the object should be retried with backoff.
func (c *controller) sync(ctx context.Context, key string) (retry bool) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return false
	}
	pk := poll.Key{Namespace: ns, Name: name}
	so, err := c.w.scaledObject(ns, name)
	if apierrors.IsNotFound(err) || (err == nil && so.DeletionTimestamp != nil) {
		c.engine.Delete(pk)
		c.pub.forget(pk)
		c.deps.set(pk, nil)
		c.mu.Lock()
		delete(c.known, pk)
		delete(c.lastErr, pk)
		delete(c.lastGood, pk)
		c.mu.Unlock()
		return false
	}
	if err != nil {
		return false
	}
	res := c.res.resolve(ctx, so)
	c.deps.set(pk, res.deps)
	retry = c.keepLastGood(pk, &res)
	if len(res.spec.Triggers) == 0 {
		c.engine.Delete(pk)
	} else if err := c.engine.Set(pk, res.spec); err != nil {
		res.invalid = append(res.invalid, invalidTrigger{index: 0, typ: so.Spec.Triggers[0].Type, message: truncate(err.Error(), maxMessageLength)})
	}
	c.mu.Lock()
	c.known[pk] = true
	msg := invalidMessage(definite(res.invalid))
	changed := msg != c.lastErr[pk]
	c.lastErr[pk] = msg
	c.mu.Unlock()
	if changed && msg != "" {
		c.recorder.Event(so, corev1.EventTypeWarning, ReasonInvalidTrigger, msg)
		c.log.Info("invalid trigger", zap.Stringer("scaledObject", pk), zap.String("reason", msg))
	}
	if retry {
		c.log.Info("reading trigger configuration failed; retrying", zap.Stringer("scaledObject", pk),
			zap.String("reason", invalidMessage(transientOnly(res.invalid))))
	}
	c.pub.setInvalid(pk, res.invalid)
	if !retry && len(res.invalid) > 0 {
		c.queue.AddAfter(key, invalidRetry)
	}
	return retry
}

// keepLastGood remembers the triggers of res that were built and, for each
// one that failed transiently, puts its last good build back in res.spec:
// the engine keeps that source's poller and state (Kafka's lag memory
// included). It reports whether any trigger failed transiently.
func (c *controller) keepLastGood(pk poll.Key, res *resolution) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev := c.lastGood[pk]
	transient := false
	for _, inv := range res.invalid {
		if !inv.transient {
			continue
		}
		transient = true
		i := slices.IndexFunc(prev, func(t poll.TriggerSpec) bool { return t.Index == inv.index })
		if i >= 0 && prev[i].Type == inv.typ {
			res.spec.Triggers = append(res.spec.Triggers, prev[i])
		}
	}
	slices.SortFunc(res.spec.Triggers, func(a, b poll.TriggerSpec) int { return cmp.Compare(a.Index, b.Index) })
	c.lastGood[pk] = slices.Clip(slices.Clone(res.spec.Triggers))
	return transient
}

// definite returns the triggers of invalid that are configuration errors.
func definite(invalid []invalidTrigger) []invalidTrigger { return filterInvalid(invalid, false) }

// transientOnly returns the triggers of invalid that failed transiently.
func transientOnly(invalid []invalidTrigger) []invalidTrigger { return filterInvalid(invalid, true) }

func filterInvalid(invalid []invalidTrigger, transient bool) []invalidTrigger {
	var out []invalidTrigger
	for _, inv := range invalid {
		if inv.transient == transient {
			out = append(out, inv)
		}
	}
	return out
}

func invalidMessage(invalid []invalidTrigger) string {
	switch len(invalid) {
	case 0:
		return ""
	case 1:
		return invalid[0].message
	default:
		return fmt.Sprintf("%s (and %d more invalid triggers)", invalid[0].message, len(invalid)-1)
	}
}
