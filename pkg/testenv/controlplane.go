// Package testenv runs a real Kubernetes control plane — etcd,
// kube-apiserver and, on request, kube-controller-manager — as local
// processes on free loopback ports, for tests and the demo.
//
// The binaries are built from Go modules by hack/kube/build.sh and cached
// under .cache/kube; aggregation is configured (front-proxy CA and proxy
// client certificate) so that an external-metrics server running as a plain
// process can be registered with RegisterAPIService. No kubelet runs: pods
// stay Pending, while Deployments, ReplicaSets, HPAs and /scale work.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options configure a control plane. The zero value starts etcd and
// kube-apiserver only.
type Options struct {
	// BinDir holds etcd, kube-apiserver and kube-controller-manager. When
	// empty, $SLUICE_KUBE_BIN_DIR, else hack/kube/build.sh of the enclosing
	// repository (which builds them once).
	BinDir string
	// Dir is where certificates, data and logs go. When empty, a temporary
	// directory that Stop removes.
	Dir string
	// ControllerManager also starts kube-controller-manager, which runs the
	// real HPA, Deployment, ReplicaSet and garbage-collector controllers.
	ControllerManager bool
	// HPASyncPeriod is the HPA controller's sync period; 1s when zero.
	HPASyncPeriod time.Duration
	// HPADownscaleStabilization is the HPA controller's downscale
	// stabilization window; 5s when zero.
	HPADownscaleStabilization time.Duration
	// StartTimeout bounds the start of each component; 90s when zero.
	StartTimeout time.Duration
	// ExtraAPIServerArgs are appended to kube-apiserver's arguments.
	ExtraAPIServerArgs []string
	// Logf receives what a person reading a test log wants to know, such
	// as a port taken before a component bound it; nil discards it. New
	// sets t.Logf.
	Logf func(format string, args ...any)
}

// ControlPlane is a running control plane. Stop it when done.
type ControlPlane struct {
	// Dir holds certificates, etcd data, logs and the admin kubeconfig.
	Dir string
	// Kubeconfig is the path of an admin kubeconfig (system:masters).
	Kubeconfig string
	// Config is the admin REST config.
	Config *rest.Config
	// Client is an admin clientset.
	Client kubernetes.Interface
	// Host is kube-apiserver's URL, https://127.0.0.1:<port>.
	Host string

	tmpDir    TempDir
	procs     []*Process
	apiserver *apiServer // how to start kube-apiserver again; procs[apiserver.proc]
	stopped   []*Process // kube-apiservers a restart replaced, for their logs
}

// Start builds (once) and starts a control plane. On error nothing is left
// running.
func Start(ctx context.Context, opts Options) (cp *ControlPlane, err error) {
	opts.setDefaults()
	binDir, err := resolveBinDir(ctx, opts.BinDir)
	if err != nil {
		return nil, err
	}
	cp = &ControlPlane{}
	if cp.Dir, cp.tmpDir, err = WorkDir(opts.Dir, "sluice-testenv-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			cp.Stop()
			cp = nil
		}
	}()
	pki, err := writePKI(filepath.Join(cp.Dir, "pki"))
	if err != nil {
		return nil, err
	}
	etcdURL, err := cp.startEtcd(ctx, binDir, opts)
	if err != nil {
		return nil, err
	}
	if err := cp.startAPIServer(ctx, binDir, etcdURL, pki, opts); err != nil {
		return nil, err
	}
	if opts.ControllerManager {
		if err := cp.startControllerManager(ctx, binDir, pki, opts); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

func (o *Options) setDefaults() {
	if o.HPASyncPeriod == 0 {
		o.HPASyncPeriod = time.Second
	}
	if o.HPADownscaleStabilization == 0 {
		o.HPADownscaleStabilization = 5 * time.Second
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 90 * time.Second
	}
}

// Stop ends every process (SIGTERM, then SIGKILL after five seconds), waits
// for them, and removes the work directory when Start created it. It is
// safe to call more than once.
func (cp *ControlPlane) Stop() {
	for i := len(cp.procs) - 1; i >= 0; i-- {
		cp.procs[i].Stop(5 * time.Second)
	}
	cp.procs, cp.apiserver = nil, nil
	cp.tmpDir.Remove()
}

// PIDs returns the process ids of the components, for leak checks.
func (cp *ControlPlane) PIDs() []int {
	pids := make([]int, 0, len(cp.procs))
	for _, p := range cp.procs {
		pids = append(pids, p.PID())
	}
	return pids
}

// Logs returns the paths of the components' log files, those of
// kube-apiservers that a restart replaced included.
func (cp *ControlPlane) Logs() []string {
	paths := make([]string, 0, len(cp.procs)+len(cp.stopped))
	for _, p := range slices.Concat(cp.stopped, cp.procs) {
		paths = append(paths, p.logPath)
	}
	return paths
}

// WaitFor calls check every 100ms, each call bounded to 5s, until it
// returns nil, p exits, ctx ends or timeout passes; the error then
// includes p's log tail. It is how a component or peer is waited for once
// it runs: until it answers, not merely listens.
func WaitFor(ctx context.Context, p *Process, timeout time.Duration, what string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		last = check(cctx)
		ccancel()
		if last == nil {
			return nil
		}
		if p.Exited() {
			return p.Failure(fmt.Errorf("%s: process exited", what))
		}
		select {
		case <-ctx.Done():
			return p.Failure(fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), last))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// resolveBinDir finds the control-plane binaries.
func resolveBinDir(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("SLUICE_KUBE_BIN_DIR")
	}
	if dir == "" {
		var err error
		if dir, err = buildBinaries(ctx); err != nil {
			return "", err
		}
	}
	var missing []error
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			missing = append(missing, err)
		}
	}
	if err := errors.Join(missing...); err != nil {
		return "", fmt.Errorf("control-plane binaries in %s: %w (run `make kube`)", dir, err)
	}
	return dir, nil
}

func itoa(i int) string { return strconv.Itoa(i) }
