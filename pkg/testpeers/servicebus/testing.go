package servicebus

import "testing"

// New starts a peer for a test and stops it in t.Cleanup.
func New(t testing.TB, opts Options) *Peer {
	t.Helper()
	p, err := Start(opts)
	if err != nil {
		t.Fatalf("start servicebus peer: %v", err)
	}
	t.Cleanup(p.Stop)
	return p
}
