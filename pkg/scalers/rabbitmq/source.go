package rabbitmq

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// source polls one queue, or the queues a regex matches.
type source struct {
	h *clientcache.Handle[reader]
	t *target
}

var (
	_ scalers.ActivitySource = (*source)(nil)
	_ scalers.ClosingSource  = (*source)(nil)
)

// Close implements scalers.ClosingSource: the source lets go of its
// connection, which closes when no other trigger holds it. A later poll
// holds one again.
func (s *source) Close() { s.h.Close() }

// Poll implements scalers.Source: the value of the trigger's mode.
func (s *source) Poll(ctx context.Context) (float64, error) {
	v, _, err := s.PollActivity(ctx)
	return v, err
}

// PollActivity implements scalers.ActivitySource: MessageRate is active on
// a backlog too, and the ratio modes serve activationValue while nothing is
// delivered (see target.evaluate). Errors show the host with its password
// redacted.
func (s *source) PollActivity(ctx context.Context) (value, activity float64, err error) {
	if s.t.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.t.timeout)
		defer cancel()
	}
	r, err := s.h.Get()
	if err != nil {
		return 0, 0, err
	}
	var st stats
	if s.t.useRegex {
		qs, err := r.matching(ctx, s.t.vhost, s.t.queue, s.t.pageSize)
		if err != nil {
			return 0, 0, fmt.Errorf("read queues matching %q: %w", s.t.queue, err)
		}
		st = combine(s.t.operation, qs)
	} else if st, err = r.queue(ctx, s.t.vhost, s.t.queue); err != nil {
		return 0, 0, fmt.Errorf("read queue %q: %w", s.t.queue, err)
	}
	value, activity = s.t.evaluate(st)
	return value, activity, nil
}
