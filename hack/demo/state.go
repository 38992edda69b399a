package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// state is what the supervisor of a running environment writes to
// <state dir>/state.json, so that a later run finds it.
type state struct {
	PID     int       `json:"pid"`
	Keep    bool      `json:"keep"`
	Started time.Time `json:"started"`
	envInfo
}

func statePath(dir string) string { return filepath.Join(dir, "state.json") }
func runDir(dir string) string    { return filepath.Join(dir, "run") }
func superLog(dir string) string  { return filepath.Join(dir, "supervisor.log") }
func writeState(dir string, s state) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	tmp := statePath(dir) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(tmp, statePath(dir)); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// readState returns the saved state, or nil when there is none.
func readState(dir string) (*state, error) {
	b, err := os.ReadFile(statePath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode state %s: %w", statePath(dir), err)
	}
	return &s, nil
}

// healthy reports whether the supervisor runs and its cluster answers,
// external metrics API included.
func (s *state) healthy(ctx context.Context) bool {
	if !processAlive(s.PID) {
		return false
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", s.Kubeconfig)
	if err != nil {
		return false
	}
	cfg.Timeout = 3 * time.Second
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return false
	}
	return c.Discovery().RESTClient().Get().AbsPath("/apis/external.metrics.k8s.io/v1beta1").Do(ctx).Error() == nil
}

// launchSupervisor starts this program as a detached supervisor (its own
// session, so a terminal's Ctrl-C reaches only the foreground run) and
// waits until the environment is up. Unless keep, the supervisor gets
// SIGTERM when this process dies.
func launchSupervisor(ctx context.Context, o options) (*state, error) {
	if err := os.RemoveAll(runDir(o.stateDir)); err != nil {
		return nil, fmt.Errorf("clean run dir: %w", err)
	}
	_ = os.Remove(statePath(o.stateDir))
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	logFile, err := os.Create(superLog(o.stateDir))
	if err != nil {
		return nil, fmt.Errorf("create supervisor log: %w", err)
	}
	defer func() { _ = logFile.Close() }()
	args := []string{"--serve", "--state-dir=" + o.stateDir, "--bin-dir=" + o.binDir}
	if o.keep {
		args = append(args, "--keep")
	}
	cmd := exec.Command(self, args...)
	cmd.Dir = o.root
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if !o.keep {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start supervisor: %w", err)
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release() // reaped by waitExit or, when kept, by init
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if s, err := readState(o.stateDir); err == nil && s != nil && s.PID == pid {
			return s, nil
		}
		if exited(pid) {
			return nil, fmt.Errorf("environment failed to start, see %s:\n%s", superLog(o.stateDir), testenv.Tail(superLog(o.stateDir)))
		}
		if time.Now().After(deadline) {
			stopSupervisor(pid)
			return nil, fmt.Errorf("environment not up within 3m, see %s", superLog(o.stateDir))
		}
		select {
		case <-ctx.Done():
			stopSupervisor(pid)
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// serve is the supervisor: it starts the environment, saves the state
// and runs until SIGINT or SIGTERM (ctx), then stops everything.
func serve(ctx context.Context, o options) error {
	e, err := startEnv(ctx, runDir(o.stateDir), o.binDir)
	if err != nil {
		return err
	}
	defer e.stop()
	if err := writeState(o.stateDir, state{PID: os.Getpid(), Keep: o.keep, Started: time.Now(), envInfo: e.info}); err != nil {
		return err
	}
	defer func() { _ = os.Remove(statePath(o.stateDir)) }()
	<-ctx.Done()
	return nil
}

// stopSupervisor ends a supervisor with SIGTERM (it stops what it
// started) and, after 30s, kills its session's process group.
func stopSupervisor(pid int) {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(30 * time.Second)
	for !exited(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			_ = syscall.Kill(pid, syscall.SIGKILL)
			deadline = time.Now().Add(time.Hour)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exited reports whether pid is gone, reaping it when it is our child.
func exited(pid int) bool {
	var ws syscall.WaitStatus
	got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
	if err == nil && got == pid {
		return true
	}
	return !processAlive(pid)
}

// processAlive reports whether a process pid exists.
func processAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}
