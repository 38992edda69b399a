//go:build e2e

// Package e2e holds the end-to-end tests: they run against a real
// kube-apiserver and kube-controller-manager started by pkg/testenv, with
// Sluice's programs as local processes. Run them with `make test-e2e`.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// cluster is the control plane every test in the package shares; each test
// works in namespaces of its own.
var cluster *testenv.ControlPlane

// binDir holds Sluice's programs, built with -race for the run.
var binDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cp, err := testenv.Start(ctx, testenv.Options{ControllerManager: true})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start control plane: %v\n", err)
		return 1
	}
	defer cp.Stop()
	if err := cp.InstallSluiceCRDs(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "install CRDs: %v\n", err)
		return 1
	}
	cluster = cp
	dir, err := os.MkdirTemp("", "sluice-e2e-bin-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "create bin dir: %v\n", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	build := exec.CommandContext(ctx, "go", "build", "-race", "-o", dir+"/", "../cmd/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build programs: %v\n", err)
		return 1
	}
	binDir = dir
	return m.Run()
}
