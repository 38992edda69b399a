package servicebus

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// New starts a peer for a test and stops it in t.Cleanup.
func New(t testing.TB, opts Options) *Peer {
	t.Helper()
	return testenv.StartPeer(t, "servicebus peer", func(context.Context) (*Peer, error) { return Start(opts) })
}
