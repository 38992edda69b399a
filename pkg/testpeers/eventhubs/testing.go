package eventhubs

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// New starts a peer for a test and stops it in t.Cleanup. It fails the
// test when the peer is not installed (run hack/peers/eventhubs.sh) or
// cannot start: a missing peer must not pass as a skipped test.
func New(t testing.TB, opts Options) *Peer {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	return testenv.StartPeer(t, "event hubs peer", func(ctx context.Context) (*Peer, error) { return Start(ctx, opts) })
}
