package adapter

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedaac "github.com/sluice-dev/sluice/pkg/client/applyconfiguration/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// FieldManager is the server-side apply field manager of the adapter's
// status writes.
const FieldManager = "sluice-adapter"

// publisher writes the adapter's part of ScaledObject status, only when it
// changed, from the elected replica. It outlives leadership terms: each
// term gets a fresh workqueue (a shut-down queue cannot be reused), and
// every known object is checked at the start of a term, so nothing that
// changed between terms is lost.
type publisher struct {
	client   versioned.Interface
	w        *watches
	engine   *poll.Engine
	clock    clock.Clock
	log      *zap.Logger
	recorder record.EventRecorder

	mu      sync.Mutex
	queue   workqueue.TypedRateLimitingInterface[poll.Key] // nil between terms
	invalid map[poll.Key][]invalidTrigger
	refused map[poll.Key]string // the last refusal reported per object
}

func newPublisher(client versioned.Interface, w *watches, engine *poll.Engine, clk clock.Clock, recorder record.EventRecorder, log *zap.Logger) *publisher {
	return &publisher{
		client: client, w: w, engine: engine, clock: clk, recorder: recorder, log: log.Named("status"),
		invalid: map[poll.Key][]invalidTrigger{}, refused: map[poll.Key]string{},
	}
}

// setInvalid records the triggers of key that could not be built and
// schedules a status check.
func (p *publisher) setInvalid(key poll.Key, invalid []invalidTrigger) {
	p.mu.Lock()
	if len(invalid) == 0 {
		delete(p.invalid, key)
	} else {
		p.invalid[key] = invalid
	}
	q := p.queue
	p.mu.Unlock()
	if q != nil {
		q.Add(key) // between terms the next term's first pass checks key
	}
}

// forget drops what is known about a deleted object.
func (p *publisher) forget(key poll.Key) {
	p.mu.Lock()
	delete(p.invalid, key)
	delete(p.refused, key)
	p.mu.Unlock()
}

// run is one leadership term: it feeds the engine's change notifications
// into a new queue and writes status with workers goroutines until ctx is
// done. Only the elected replica calls it, once per term, never
// concurrently.
func (p *publisher) run(ctx context.Context, workers int, known func() []poll.Key) {
	q := workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[poll.Key](),
		workqueue.TypedRateLimitingQueueConfig[poll.Key]{Name: "status"})
	p.mu.Lock()
	p.queue = q
	p.mu.Unlock()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer func() {
		p.mu.Lock()
		p.queue = nil
		p.mu.Unlock()
		q.ShutDown()
	}()
	for _, k := range known() {
		q.Add(k)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case k := <-p.engine.Changes():
				q.Add(k)
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p.next(ctx, q) {
			}
		}()
	}
	<-ctx.Done()
}

func (p *publisher) next(ctx context.Context, q workqueue.TypedRateLimitingInterface[poll.Key]) bool {
	key, quit := q.Get()
	if quit {
		return false
	}
	defer q.Done(key)
	if err := p.sync(ctx, key); err != nil {
		if !isTransient(err) {
			p.refusedWrite(key, err)
		} else {
			p.log.Info("status write failed; retrying", zap.Stringer("scaledObject", key), zap.Error(err))
		}
		q.AddRateLimited(key)
		return true
	}
	p.mu.Lock()
	delete(p.refused, key)
	p.mu.Unlock()
	q.Forget(key)
	return true
}

// refusedWrite makes a status write the API server refused (it will not
// succeed by retrying alone) visible: a Warning Event on the object and an
// error log, once per distinct refusal. Retries go on with backoff, in
// case the object changes.
func (p *publisher) refusedWrite(key poll.Key, err error) {
	msg := err.Error()
	p.mu.Lock()
	seen := p.refused[key] == msg
	p.refused[key] = msg
	p.mu.Unlock()
	if seen {
		return
	}
	p.log.Error("status write refused", zap.Stringer("scaledObject", key), zap.Error(err))
	if so, gerr := p.w.scaledObject(key.Namespace, key.Name); gerr == nil {
		p.recorder.Event(so, corev1.EventTypeWarning, ReasonStatusWriteFailed,
			"the API server refuses the adapter's status of this object, so its activity cannot be published: "+truncate(msg, 512))
	}
}

// truncate cuts s to at most n bytes, at a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// sync writes the status of key when it differs from the stored one.
func (p *publisher) sync(ctx context.Context, key poll.Key) error {
	so, err := p.w.scaledObject(key.Namespace, key.Name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if so.DeletionTimestamp != nil {
		return nil
	}
	var state *poll.ObjectState
	if s, ok := p.engine.State(key); ok {
		state = &s
	}
	p.mu.Lock()
	invalid := p.invalid[key]
	p.mu.Unlock()
	want := desiredStatus(so, state, invalid, p.clock.Now())
	if want.equal(ownedStatus(&so.Status)) {
		return nil
	}
	_, err = p.client.KedaV1alpha1().ScaledObjects(key.Namespace).ApplyStatus(ctx, applyConfig(so, want), metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("apply status of %s: %w", key, err)
	}
	p.log.Debug("status written", zap.Stringer("scaledObject", key))
	return nil
}

// applyConfig turns the adapter's status into a server-side apply
// configuration holding only the fields the adapter owns.
func applyConfig(so *v1alpha1.ScaledObject, s adapterStatus) *kedaac.ScaledObjectApplyConfiguration {
	st := kedaac.ScaledObjectStatus().WithTriggersTypes(s.TriggersTypes)
	if s.AuthTypes != "" {
		st.WithAuthenticationsTypes(s.AuthTypes)
	}
	if len(s.Activity) > 0 {
		a := make(map[string]kedaac.TriggerActivityStatusApplyConfiguration, len(s.Activity))
		for k, v := range s.Activity {
			a[k] = *kedaac.TriggerActivityStatus().WithIsActive(v.IsActive)
		}
		st.WithTriggersActivity(a)
	}
	for _, c := range s.Conditions {
		cc := kedaac.Condition().WithType(c.Type).WithStatus(c.Status).WithReason(c.Reason).WithMessage(c.Message)
		if c.LastTransitionTime != nil {
			cc.WithLastTransitionTime(*c.LastTransitionTime)
		}
		st.WithConditions(cc)
	}
	for _, t := range s.Triggers {
		st.WithTriggers(kedaac.TriggerStatus().WithMetricName(t.MetricName).WithIndex(t.Index).WithName(t.Name).
			WithType(t.Type).WithTarget(t.Target).WithActivationTarget(t.ActivationTarget).WithActive(t.Active).WithHealthy(t.Healthy).
			WithNumberOfFailures(t.NumberOfFailures).WithLastError(t.LastError).WithWarning(t.Warning))
	}
	if len(s.Health) > 0 {
		h := make(map[string]kedaac.HealthStatusApplyConfiguration, len(s.Health))
		for k, v := range s.Health {
			h[k] = *kedaac.HealthStatus().WithNumberOfFailures(*v.NumberOfFailures).WithStatus(v.Status)
		}
		st.WithHealth(h)
	}
	if s.LastActiveTime != nil {
		st.WithLastActiveTime(*s.LastActiveTime)
	}
	return kedaac.ScaledObject(so.Name, so.Namespace).WithStatus(st)
}
