package prometheus

import (
	"context"
	"testing"
)

// New starts a server for a test and stops it in t.Cleanup. It fails the
// test when the server cannot start, ErrNotFound included: integration
// tests expect hack/peers/prometheus.sh to have run.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := start(context.Background(), t.TempDir(), t.Logf)
	if err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}
