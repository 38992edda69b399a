package poll

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Engine polls the triggers of every ScaledObject it is given and stores
// their values. All methods are safe for concurrent use.
type Engine struct {
	opts    Options
	clock   clock.Clock
	log     *zap.Logger
	metrics *metrics
	jobs    chan pollJob // from the scheduler to the MaxConcurrentPolls workers Run starts
	notes   *notifier
	names   atomic.Pointer[[]string] // nil when metricRefs changed
	wg      sync.WaitGroup

	mu         sync.RWMutex // guards everything below, every object and every source's schedule and result
	objects    map[Key]*object
	sources    map[string]*source
	metricRefs map[string]int
	sched      scheduler
	draining   map[*source]struct{}    // dropped while a poll ran; closed by finish
	closing    []scalers.ClosingSource // to close once mu is released
	runCtx     context.Context         // nil until Run
	stopped    bool
}

// object is one ScaledObject; its snapshot is replaced, never modified.
type object struct {
	key   Key
	spec  ObjectSpec
	trigs []*trig
	snap  *ObjectState // derived from spec and its sources' results
}

// trig binds one trigger to its shared source and its metric children.
type trig struct {
	spec TriggerSpec
	src  *source
	m    triggerMetrics
}

// New returns an Engine that registers its metrics on reg (skipped when reg
// is nil) and logs through log.Named("poll") (nothing when log is nil). It
// fails when opts are invalid
// or the metrics are already registered on reg.
func New(opts Options, log *zap.Logger, reg prometheus.Registerer) (*Engine, error) {
	if errs := opts.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("invalid poll options: %w", errors.Join(errs...))
	}
	if log == nil {
		log = zap.NewNop()
	}
	m, err := newMetrics(reg, opts.KEDACompatibleMetrics)
	if err != nil {
		return nil, err
	}
	return &Engine{
		opts:       opts,
		clock:      opts.Clock,
		log:        log.Named("poll"),
		metrics:    m,
		jobs:       make(chan pollJob),
		notes:      newNotifier(),
		objects:    make(map[Key]*object),
		sources:    make(map[string]*source),
		metricRefs: make(map[string]int),
		sched:      newScheduler(),
		draining:   make(map[*source]struct{}),
	}, nil
}

// Run schedules the polls of every object set so far and of every object
// set later on one scheduler goroutine and a pool of MaxConcurrentPolls
// workers, and blocks until ctx is done and every goroutine it started has
// exited. It returns nil after a clean stop and an error when called twice.
func (e *Engine) Run(ctx context.Context) error {
	e.mu.Lock()
	if e.runCtx != nil {
		e.mu.Unlock()
		return errors.New("poll engine already running")
	}
	e.runCtx = ctx
	e.wg.Add(e.opts.MaxConcurrentPolls)
	for range e.opts.MaxConcurrentPolls {
		go e.work(ctx)
	}
	for _, s := range e.sources {
		e.startLocked(s)
	}
	e.wg.Add(2)
	go e.schedule(ctx)
	go func() {
		defer e.wg.Done()
		e.notes.run(ctx)
	}()
	e.mu.Unlock()

	<-ctx.Done()
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.wg.Wait()
	e.mu.Lock()
	e.closeAllLocked()
	e.unlock()
	return nil
}

// State returns the current snapshot of the object, or false when the
// object is unknown. It does not allocate; the result must not be modified.
func (e *Engine) State(key Key) (ObjectState, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	o := e.objects[key]
	if o == nil {
		return ObjectState{}, false
	}
	return *o.snap, true
}

// Changes returns the channel on which Run reports the key of every object
// whose derived state changed: the trigger list, a trigger's Active,
// Healthy, InFallback or Polled flag, or its LastError. Polls with an equal
// outcome report nothing. Keys are coalesced while the reader is busy, so a
// key arrives at most once per pending change; a deleted object is reported
// too and then State returns false. The channel is never closed.
func (e *Engine) Changes() <-chan Key { return e.notes.out }

// MetricNames returns the distinct metric names of all objects, sorted. The
// slice is shared and must not be modified; it is rebuilt only after Set or
// Delete changed the set of names.
func (e *Engine) MetricNames() []string {
	if p := e.names.Load(); p != nil {
		return *p
	}
	e.mu.RLock()
	names := slices.Sorted(maps.Keys(e.metricRefs))
	e.names.Store(&names)
	e.mu.RUnlock()
	return names
}
