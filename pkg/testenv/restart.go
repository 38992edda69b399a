package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// A kube-apiserver restart keeps everything a client holds valid: the same
// address, certificates and etcd, so kubeconfigs, the admin clients, the
// programs under test and APIService registrations work again once it
// serves. The port is the one clients know; it cannot be picked afresh, so
// a start that finds it taken (by a socket another process got while the
// server was down) is retried until the start timeout passes.

// restartRetry is how long a restart waits before it tries a taken port
// again.
const restartRetry = 200 * time.Millisecond

// apiServer is what it takes to start kube-apiserver again as it was.
type apiServer struct {
	bin     string
	args    []string
	port    int
	client  *http.Client // trusts the serving certificate, authenticates as admin
	timeout time.Duration
	logf    func(format string, args ...any)
	proc    int // index in ControlPlane.procs
	starts  int // restarts so far, for the log file names
}

// start starts kube-apiserver with name (its log is <dir>/<name>.log) and
// waits until it listens on its port and host's /readyz answers 200. On
// error it has stopped the process.
func (a *apiServer) start(ctx context.Context, dir, name, host string) (*Process, error) {
	p, err := StartProcess(dir, name, a.bin, a.args...)
	if err != nil {
		return nil, err
	}
	err = WaitFor(ctx, p, a.timeout, "wait for kube-apiserver", func(ctx context.Context) error {
		if err := listening(p, a.port); err != nil {
			return err
		}
		return httpOK(ctx, a.client, host+"/readyz")
	})
	if err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}

// StopAPIServer stops kube-apiserver (SIGTERM, then SIGKILL after five
// seconds) and waits until it has exited; etcd and kube-controller-manager
// keep running. It is a no-op when kube-apiserver is stopped already.
// Not safe for use concurrently with the other methods.
func (cp *ControlPlane) StopAPIServer() {
	if cp.apiserver == nil {
		return
	}
	cp.procs[cp.apiserver.proc].Stop(5 * time.Second)
}

// StartAPIServer starts kube-apiserver again after StopAPIServer, on the
// same address with the same arguments, certificates and etcd, and waits
// until its /readyz answers 200. While the port is taken it retries until
// the control plane's start timeout passes or ctx ends. It is a no-op when
// kube-apiserver runs. Each restart logs to kube-apiserver-restart-<n>.log
// beside the first log (Logs lists them all). Not safe for use
// concurrently with the other methods.
func (cp *ControlPlane) StartAPIServer(ctx context.Context) error {
	a := cp.apiserver
	if a == nil {
		return errors.New("start kube-apiserver: the control plane has none (stopped, or never started)")
	}
	if !cp.procs[a.proc].Exited() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		a.starts++
		p, err := a.start(ctx, cp.Dir, fmt.Sprintf("kube-apiserver-restart-%d", a.starts), cp.Host)
		if err == nil {
			cp.stopped = append(cp.stopped, cp.procs[a.proc])
			cp.procs[a.proc] = p
			return nil
		}
		if !AddrInUse(err) {
			return fmt.Errorf("restart kube-apiserver: %w", err)
		}
		if a.logf != nil {
			a.logf("kube-apiserver's port %d is taken (attempt %d); trying again: %s", a.port, attempt, inUseLine(err))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("restart kube-apiserver on port %d: %w", a.port, errors.Join(ctx.Err(), err))
		case <-time.After(restartRetry):
		}
	}
}

// RestartAPIServer stops kube-apiserver, keeps it down for down (an outage
// of that length), and starts it again as StartAPIServer does.
func (cp *ControlPlane) RestartAPIServer(ctx context.Context, down time.Duration) error {
	cp.StopAPIServer()
	if err := Sleep(ctx, down); err != nil {
		return fmt.Errorf("restart kube-apiserver: %w", err)
	}
	return cp.StartAPIServer(ctx)
}
