package provider

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/metrics/pkg/apis/external_metrics"

	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// isComposite reports whether metric names the composite metric, compared
// without regard to case like trigger metrics.
func isComposite(metric string) bool { return strings.EqualFold(metric, composite.MetricName) }

// compositeMetric answers a request for the composite metric of an object
// with scalingModifiers: the formula over the triggers' fresh values,
// timestamped with the oldest of their polls; the fallback when due; a 503
// while any trigger it reads is unknown.
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
