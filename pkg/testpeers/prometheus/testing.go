package prometheus

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// New starts a server for a test and stops it in t.Cleanup. It fails the
// test when the server cannot start, ErrNotFound included: integration
// tests expect hack/peers/prometheus.sh to have run.
func New(t testing.TB) *Server {
	t.Helper()
	dir := t.TempDir()
	return testenv.StartPeer(t, "prometheus", func(ctx context.Context) (*Server, error) { return start(ctx, dir, t.Logf) })
}
