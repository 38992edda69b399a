package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
)

// env is everything the demo runs: the control plane, Azurite, the
// adapter and the activator, all on 127.0.0.1.
type env struct {
	cp      *testenv.ControlPlane
	azurite *azurite.Azurite
	procs   []*testenv.Process
	info    envInfo
}

// envInfo is what a client of the environment needs, also across
// processes (it is saved in the state file).
type envInfo struct {
	Kubeconfig string   `json:"kubeconfig"`
	QueueConn  string   `json:"queueConnectionString"`
	Logs       []string `json:"logs"`
}

// startEnv starts the environment under dir (which it creates) with the
// Sluice programs in binDir. On error it stops what it started.
func startEnv(ctx context.Context, dir, binDir string) (e *env, err error) {
	e = &env{}
	defer func() {
		if err != nil {
			e.stop()
		}
	}()
	for _, sub := range []string{"kube", "azurite", "sluice"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("create run dir: %w", err)
		}
	}
	e.cp, err = testenv.Start(ctx, testenv.Options{
		Dir:                       filepath.Join(dir, "kube"),
		ControllerManager:         true,
		HPASyncPeriod:             time.Second,
		HPADownscaleStabilization: 5 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	e.info.Kubeconfig = e.cp.Kubeconfig
	e.info.Logs = append(e.info.Logs, e.cp.Logs()...)
	if err := e.cp.InstallSluiceCRDs(ctx); err != nil {
		return nil, fmt.Errorf("install CRDs: %w", err)
	}
	e.azurite, err = azurite.Start(ctx, azurite.Options{Dir: filepath.Join(dir, "azurite"), NoBlob: true})
	if err != nil {
		return nil, fmt.Errorf("start azurite: %w", err)
	}
	e.info.QueueConn = e.azurite.ConnectionString()
	e.info.Logs = append(e.info.Logs, filepath.Join(dir, "azurite", "queue.log"))
	sluiceDir := filepath.Join(dir, "sluice")
	if err := e.startAdapter(ctx, sluiceDir, binDir); err != nil {
		return nil, err
	}
	if err := e.startActivator(ctx, sluiceDir, binDir); err != nil {
		return nil, err
	}
	return e, nil
}

// startAdapter runs sluice-adapter registered as the external metrics
// API and served through kube-apiserver (testenv.StartAdapter).
func (e *env) startAdapter(ctx context.Context, dir, binDir string) error {
	p, _, err := e.cp.StartAdapter(ctx, dir, filepath.Join(binDir, "sluice-adapter"), "--namespace=default", "--leader-elect=false")
	return e.keep(p, err)
}

// startActivator runs sluice-activator and waits until it is ready.
func (e *env) startActivator(ctx context.Context, dir, binDir string) error {
	p, _, err := testenv.StartProgram(ctx, dir, "sluice-activator", filepath.Join(binDir, "sluice-activator"),
		[]string{"--kubeconfig=" + e.cp.Kubeconfig, "--leader-elect=false"})
	return e.keep(p, err)
}

// keep records a started program and its log.
func (e *env) keep(p *testenv.Process, err error) error {
	if err != nil {
		return err
	}
	e.procs = append(e.procs, p)
	e.info.Logs = append(e.info.Logs, p.LogPath())
	return nil
}

// stop ends every process, newest first. It is safe on a partial env.
func (e *env) stop() {
	for i := len(e.procs) - 1; i >= 0; i-- {
		e.procs[i].Stop(10 * time.Second)
	}
	e.procs = nil
	if e.azurite != nil {
		e.azurite.Stop()
	}
	if e.cp != nil {
		e.cp.Stop()
	}
}
