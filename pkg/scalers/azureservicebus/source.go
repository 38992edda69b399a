package azureservicebus

import (
	"context"
	"regexp"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Operations combining the counts of the entities a useRegex trigger
// matches.
const (
	OpSum = "sum"
	OpMax = "max"
	OpAvg = "avg"
)

// source polls one queue or subscription, or with a pattern every queue or
// subscription of a topic whose whole name matches it.
type source struct {
	counter counter
	// topic is set for subscriptions.
	topic string
	// name is the queue or subscription name when pattern is nil.
	name    string
	pattern *regexp.Regexp
	op      string
}

var (
	_ scalers.Source        = (*source)(nil)
	_ scalers.ClosingSource = (*source)(nil)
)

// Close implements scalers.ClosingSource: the source lets go of its
// namespace client, whose connections close when no other trigger holds
// it. A later poll holds one again.
func (s *source) Close() {
	if c, ok := s.counter.(interface{ close() }); ok {
		c.close()
	}
}

// Poll implements scalers.Source: the active message count, or with a
// pattern the sum, maximum or average (rounded down, as KEDA) of the
// matching entities' active counts; 0 when none matches. A missing
// entity, a refused credential or an unreachable namespace is an error,
// never 0.
func (s *source) Poll(ctx context.Context) (float64, error) {
	if s.pattern == nil {
		var n int64
		var err error
		if s.topic == "" {
			n, err = s.counter.Queue(ctx, s.name)
		} else {
			n, err = s.counter.Subscription(ctx, s.topic, s.name)
		}
		return float64(n), err
	}
	var agg aggregate
	each := func(name string, active int64) {
		if s.pattern.MatchString(name) {
			agg.add(active)
		}
	}
	var err error
	if s.topic == "" {
		err = s.counter.Queues(ctx, each)
	} else {
		err = s.counter.Subscriptions(ctx, s.topic, each)
	}
	if err != nil {
		return 0, err
	}
	return float64(agg.result(s.op)), nil
}

// aggregate accumulates counts for an operation.
type aggregate struct {
	n, sum, max int64
}

func (a *aggregate) add(v int64) {
	a.n++
	a.sum += v
	a.max = max(a.max, v)
}

// result is the operation's value: sum, max, or the average rounded down.
func (a *aggregate) result(op string) int64 {
	switch op {
	case OpMax:
		return a.max
	case OpAvg:
		if a.n == 0 {
			return 0
		}
		return a.sum / a.n
	}
	return a.sum
}
