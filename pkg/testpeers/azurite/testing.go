package azurite

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// New starts Azurite for a test and stops it in t.Cleanup. It fails the
// test when Azurite is not installed (run hack/peers/azurite.sh) or
// cannot start: a missing peer must not pass as a skipped test.
func New(t testing.TB, opts Options) *Azurite {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	return testenv.StartPeer(t, "azurite", func(ctx context.Context) (*Azurite, error) { return Start(ctx, opts) })
}
