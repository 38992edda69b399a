package provider

import (
	"context"
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/metrics/pkg/apis/external_metrics"

	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// isComposite reports whether metric names the composite metric, compared
// without regard to case like trigger metrics.
func isComposite(metric string) bool { return strings.EqualFold(metric, composite.MetricName) }

// compositeMetric answers a request for the composite metric of an object
// with scalingModifiers: the formula over the triggers' fresh values (and,
// with fallback.behavior scalingModifiers, nil for the failing ones),
// timestamped with the oldest of their polls; in fallback the value that
// holds the replica count of fallback.behavior for the modifiers' target
// and metricType, exactly as for a trigger (fallbackFor); a 503 while any
// trigger it reads is unknown, or while a Value fallback has no current
// replica count to divide by.
func (p *Provider) compositeMetric(ctx context.Context, key poll.Key, st poll.ObjectState) (*external_metrics.ExternalMetricValueList, error) {
	c := st.CompositeAt(p.opts.Clock.Now())
	if !c.Known && c.Waiting {
		st = p.waitCompositePolls(ctx, key, st)
		if st.Composite == nil {
			return nil, notFound(composite.MetricName, key)
		}
		c = st.CompositeAt(p.opts.Clock.Now())
	}
	if !c.Known {
		return nil, apierrors.NewServiceUnavailable(fmt.Sprintf(
			"metric %s of ScaledObject %s is unavailable: %s", composite.MetricName, key, c.Reason))
	}
	if c.InFallback {
		f := st.Composite
		v, ok := p.fallbackFor(&st, f.Target, f.MetricType == autoscalingv2.ValueMetricType)
		if !ok {
			return nil, apierrors.NewServiceUnavailable(fmt.Sprintf(
				"metric %s of ScaledObject %s is unavailable: its fallback of metricType Value waits for the HPA's current replica count", composite.MetricName, key))
		}
		return newList(composite.MetricName, v, c.Observed), nil
	}
	return newList(composite.MetricName, c.Value, c.Observed), nil
}

// waitCompositePolls waits, bounded by ctx and FirstPollWait, for the first
// poll of every trigger the formula reads, and returns the state read
// afterwards.
func (p *Provider) waitCompositePolls(ctx context.Context, key poll.Key, st poll.ObjectState) poll.ObjectState {
	timer := p.opts.Clock.NewTimer(p.opts.FirstPollWait)
	defer timer.Stop()
	for i := range st.Triggers {
		t := &st.Triggers[i]
		if t.Polled || !st.Composite.Uses(t.Name) {
			continue
		}
		select {
		case <-t.FirstPoll:
		case <-timer.C():
			return p.reread(key)
		case <-ctx.Done():
			return p.reread(key)
		}
	}
	return p.reread(key)
}

func (p *Provider) reread(key poll.Key) poll.ObjectState {
	st, _ := p.store.State(key)
	return st
}
