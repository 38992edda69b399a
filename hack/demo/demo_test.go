//go:build e2e

package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// TestDemo tells a shorter story on a real control plane, Azurite and the
// Sluice programs, and checks that the workload went 0 → 1 → n → 1 → 0
// and that nothing is left running afterwards.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	binDir := t.TempDir()
	build := exec.CommandContext(ctx, "go", "build", "-race", "-o", binDir+"/", "./cmd/...")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build programs: %v\n%s", err, out)
	}
	e, err := startEnv(ctx, t.TempDir(), binDir)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			e.stop()
		}
	}()
	defer func() {
		if t.Failed() {
			for _, l := range e.info.Logs {
				t.Logf("log %s:\n%s", l, testenv.Tail(l))
			}
		}
	}()
	out := logWriter{t}
	o := options{root: root, binDir: binDir, example: filepath.Join(root, "examples", "queue-worker")}
	if err := deployApp(ctx, o, e.info, out); err != nil {
		t.Fatal(err)
	}
	obs, err := newObserver(ctx, e.info, appNamespace, appName)
	if err != nil {
		t.Fatal(err)
	}
	short := plan{waves: []int{3, 12, 10}, hold: time.Second, workRate: 5, timeout: time.Minute}
	tl, err := playStory(ctx, obs, short, newView(out))
	printSummary(out, tl)
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.check(); err != nil {
		t.Fatal(err)
	}
	if ms := tl.milestones(); ms.peakReplicas != 5 {
		t.Errorf("peak %d replicas, want 5 (25 messages, 5 per replica)", ms.peakReplicas)
	}

	pids := e.cp.PIDs()
	for _, p := range e.procs {
		pids = append(pids, p.PID())
	}
	e.stop()
	stopped = true
	for _, pid := range pids {
		if processAlive(pid) {
			t.Errorf("process %d still runs after stop", pid)
		}
	}
}

// logWriter writes each line to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
