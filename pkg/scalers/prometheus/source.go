package prometheus

import (
	"context"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// source runs one query per poll.
type source struct {
	api        querier
	q          *query
	timeout    time.Duration
	ignoreNull bool
	now        func() time.Time
}

var _ scalers.Source = (*source)(nil)

func newSource(api querier, q *query, timeout time.Duration, ignoreNull bool) *source {
	return &source{api: api, q: q, timeout: timeout, ignoreNull: ignoreNull, now: time.Now}
}

// Poll implements scalers.Source: it runs the query at the current time,
// bounded by the trigger's timeout, and returns its single value. Errors
// never hold the server URL's password nor any credential.
func (s *source) Poll(ctx context.Context) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.api.instant(ctx, s.q, s.now())
	if err != nil {
		return 0, err
	}
	v, err := value(res, s.ignoreNull)
	if err != nil {
		return 0, fmt.Errorf("query %q: %w", s.q.promQL, err)
	}
	return v, nil
}
