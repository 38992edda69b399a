package testenv

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx ends and then returns ctx's error: a
// pause that an interrupted test, benchmark or demo does not sit out.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
