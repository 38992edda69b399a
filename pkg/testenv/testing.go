package testenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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
	return StartPeer(t, "control plane", func(ctx context.Context) (*ControlPlane, error) { return Start(ctx, opts) })
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

// StartPeer starts a test peer (a control plane, Azurite, a broker…) for t
// with start, fails t when it cannot start — a missing peer must not pass
// as a skipped test — and stops it in t.Cleanup.
func StartPeer[P interface{ Stop() }](t testing.TB, name string, start func(context.Context) (P, error)) P {
	t.Helper()
	p, err := start(context.Background())
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(p.Stop)
	return p
}

// CheckFind tests find, a peer's search for its installation (FindDir)
// that starts with the environment variable env: with env naming an empty
// directory it must fail with notFound naming that directory, and with env
// naming a directory that holds files (slash-separated paths, written as
// executable stubs) it must return that directory, which CheckFind
// returns.
func CheckFind(t testing.TB, env string, notFound error, find func() (string, error), files ...string) string {
	t.Helper()
	empty := t.TempDir()
	t.Setenv(env, empty)
	if _, err := find(); !errors.Is(err, notFound) || !strings.Contains(err.Error(), empty) {
		t.Fatalf("empty %s: %v, want %v naming the dir", env, err, notFound)
	}
	dir := t.TempDir()
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(env, dir)
	if got, err := find(); err != nil || got != dir {
		t.Fatalf("%s=%s: %q, %v; want %q", env, dir, got, err, dir)
	}
	return dir
}
