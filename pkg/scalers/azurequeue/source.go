package azurequeue

import (
	"context"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
)

// source polls one queue.
type source struct {
	queue    queueAPI
	strategy string
}

var _ scalers.Source = (*source)(nil)

// Poll implements scalers.Source: the approximate message count, or with
// visibleonly the number of visible messages when fewer than 32 are.
// Errors are sanitized: they hold no key, SAS or URL.
func (s *source) Poll(ctx context.Context) (float64, error) {
	if s.strategy == StrategyVisibleOnly {
		n, err := s.queue.PeekCount(ctx, peekMax)
		if err != nil {
			return 0, err
		}
		if n < peekMax {
			return float64(n), nil
		}
	}
	n, err := s.queue.ApproximateCount(ctx)
	if err != nil {
		return 0, err
	}
	return float64(n), nil
}

// identityQueue stands in for a queue reached with identity-based access,
// which is not supported yet.
type identityQueue struct{}

func (identityQueue) ApproximateCount(context.Context) (int64, error) {
	return 0, azstorage.ErrIdentityUnsupported
}

func (identityQueue) PeekCount(context.Context, int32) (int, error) {
	return 0, azstorage.ErrIdentityUnsupported
}
