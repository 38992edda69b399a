package testenv

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/deploy"
)

// New starts a control plane for a test and stops it in t.Cleanup. It fails
// the test when the control plane cannot start.
func New(t testing.TB, opts Options) *ControlPlane {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	cp, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start control plane: %v", err)
	}
	t.Cleanup(cp.Stop)
	return cp
}

// InstallSluiceCRDs installs the CRDs embedded from deploy/crds.
func (cp *ControlPlane) InstallSluiceCRDs(ctx context.Context) error {
	entries, err := deploy.CRDs.ReadDir("crds")
	if err != nil {
		return err
	}
	docs := make([][]byte, 0, len(entries))
	for _, e := range entries {
		b, err := deploy.CRDs.ReadFile("crds/" + e.Name())
		if err != nil {
			return err
		}
		docs = append(docs, b)
	}
	return cp.InstallCRDs(ctx, docs...)
}
