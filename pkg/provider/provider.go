// Package provider is the external metrics provider of sluice-adapter: it
// answers the HPA's external metric requests from the poll engine's store and
// never calls an event source.
package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/metrics/pkg/apis/external_metrics"
	"k8s.io/utils/clock"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// Store is the read side of the poll engine that the provider needs;
// *poll.Engine implements it.
type Store interface {
	// State returns the object's snapshot, or false when it is unknown. It
	// must be cheap and must not block on polls.
	State(key poll.Key) (poll.ObjectState, bool)
	// MetricNames returns the distinct metric names currently known. The
	// result is shared and is not modified.
	MetricNames() []string
}

var (
	_ Store                              = (*poll.Engine)(nil)
	_ cmprovider.ExternalMetricsProvider = (*Provider)(nil)
)

// DefaultFirstPollWait is the default of Options.FirstPollWait.
const DefaultFirstPollWait = 2 * time.Second

// Options configure a Provider. Start from NewOptions.
type Options struct {
	// FirstPollWait bounds how long a request waits for a trigger's first
	// poll, in addition to the request's own context.
	FirstPollWait time.Duration
	// Clock judges staleness and times the first-poll wait.
	Clock clock.Clock
	// Replicas reads scale targets' current replica counts for the
	// fallback behaviours that need them and for Value targets; nil serves
	// every fallback as if the count were unknown (see FallbackReplicas).
	Replicas ReplicaReader
}

// NewOptions returns the defaults: a 2s first-poll wait and the real clock.
func NewOptions() Options {
	return Options{FirstPollWait: DefaultFirstPollWait, Clock: clock.RealClock{}}
}

// Validate reports every problem with o at once; nil means o is usable.
func (o Options) Validate() []error {
	var errs []error
	if o.FirstPollWait < 0 {
		errs = append(errs, errors.New("first poll wait must not be negative"))
	}
	if o.Clock == nil {
		errs = append(errs, errors.New("clock must be set"))
	}
	return errs
}

// Provider implements the custom-metrics-apiserver ExternalMetricsProvider
// over a Store.
//
// A request must select the ScaledObject with the label
// scaledobject.keda.sh/name=<name>; its metric is one of the object's
// trigger metric names. The answer is a single value:
//
//   - the trigger's last value while it is fresh (last poll succeeded, not
//     stale), timestamped with the time of that poll;
//   - while the object's fallback is due (see poll.ObjectState.FallbackDue),
//     the value that makes the HPA land on the fallback's replica count
//     (FallbackReplicas by fallback.behavior, FallbackValue by metric
//     type), timestamped now;
//   - otherwise a 503 error, so that the HPA keeps the current replica
//     count. A failing source is never served as 0.
//
// For an object with scalingModifiers the metric composite.MetricName is
// served too: see compositeMetric.
//
// NaN, ±Inf and negative values are served as 0.
type Provider struct {
	store Store
	opts  Options
	list  atomic.Pointer[metricList]
}

type metricList struct {
	names []string
	infos []cmprovider.ExternalMetricInfo
}

// New returns a Provider reading from store. It fails when opts are invalid.
func New(store Store, opts Options) (*Provider, error) {
	if errs := opts.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("invalid provider options: %w", errors.Join(errs...))
	}
	return &Provider{store: store, opts: opts}, nil
}

// GetExternalMetric returns the value of info.Metric for the ScaledObject the
// selector names in namespace. Errors are API statuses: 400 without the
// ScaledObject label, 404 for an unknown object or metric, 503 while the
// value is unknown.
func (p *Provider) GetExternalMetric(ctx context.Context, namespace string, sel labels.Selector, info cmprovider.ExternalMetricInfo) (*external_metrics.ExternalMetricValueList, error) {
	var name string
	var ok bool
	if sel != nil {
		name, ok = sel.RequiresExactMatch(v1alpha1.LabelScaledObjectName)
	}
	if !ok || name == "" {
		return nil, missingSelector(sel)
	}
	key := poll.Key{Namespace: namespace, Name: name}
	st, ok := p.store.State(key)
	if !ok {
		return nil, notFound(info.Metric, key)
	}
	if st.Composite != nil && isComposite(info.Metric) {
		return p.compositeMetric(ctx, key, st)
	}
	ts := trigger(&st, info.Metric)
	if ts == nil {
		return nil, notFound(info.Metric, key)
	}
	if !ts.Polled {
		var err error
		if st, ts, err = p.waitFirstPoll(ctx, key, info.Metric, ts.FirstPoll); err != nil {
			return nil, err
		}
	}
	now := p.opts.Clock.Now()
	switch {
	case ts.Fresh(now):
		return newList(ts.MetricName, ts.Value, ts.LastSuccess), nil
	case st.FallbackDue(ts, now):
		if v, ok := p.fallbackValue(&st, ts); ok {
			return newList(ts.MetricName, v, now), nil
		}
		return nil, failing(info.Metric, key, ts)
	default:
		return nil, failing(info.Metric, key, ts)
	}
}

// trigger returns the trigger of st named metric, compared without regard
// to case as KEDA compares it: client-go lower-cases the resource segment of
// a request path, so the HPA asks for "s0-kafka-orders_eu" when the metric
// (KEDA's name, which keeps case) is "s0-kafka-Orders_EU". Names within one
// object differ in their "s<index>-" prefix, so the match is unambiguous;
// an exact match is tried first all the same.
func trigger(st *poll.ObjectState, metric string) *poll.TriggerState {
	if ts := st.Trigger(metric); ts != nil {
		return ts
	}
	for i := range st.Triggers {
		if strings.EqualFold(st.Triggers[i].MetricName, metric) {
			return &st.Triggers[i]
		}
	}
	return nil
}

// waitFirstPoll waits for the first poll of a trigger, bounded by ctx and
// FirstPollWait, and returns the state read afterwards.
func (p *Provider) waitFirstPoll(ctx context.Context, key poll.Key, metric string, first <-chan struct{}) (poll.ObjectState, *poll.TriggerState, error) {
	timer := p.opts.Clock.NewTimer(p.opts.FirstPollWait)
	defer timer.Stop()
	select {
	case <-first:
	case <-timer.C():
	case <-ctx.Done():
	}
	st, ok := p.store.State(key)
	if !ok {
		return st, nil, notFound(metric, key)
	}
	ts := trigger(&st, metric)
	switch {
	case ts == nil:
		return st, nil, notFound(metric, key)
	case !ts.Polled:
		return st, nil, notPolled(metric, key)
	}
	return st, ts, nil
}

// ListAllExternalMetrics returns the metric names of all known triggers. It
// never fails and reuses its answer while the set of names is unchanged.
func (p *Provider) ListAllExternalMetrics() []cmprovider.ExternalMetricInfo {
	names := p.store.MetricNames()
	if c := p.list.Load(); c != nil && sameSlice(c.names, names) {
		return c.infos
	}
	infos := make([]cmprovider.ExternalMetricInfo, len(names))
	for i, n := range names {
		infos[i].Metric = n
	}
	p.list.Store(&metricList{names: names, infos: infos})
	return infos
}

func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
