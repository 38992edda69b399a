package eventhubs

import (
	"context"
	"testing"
)

// New starts a peer for a test and stops it in t.Cleanup. It fails the
// test when the peer is not installed (run hack/peers/eventhubs.sh) or
// cannot start: a missing peer must not pass as a skipped test.
func New(t testing.TB, opts Options) *Peer {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	p, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start event hubs peer: %v", err)
	}
	t.Cleanup(p.Stop)
	return p
}
