package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// benchNamespace is where every scenario creates its objects.
const benchNamespace = "bench"

// env is a local control plane with Sluice's programs as processes and a
// metrics-api endpoint. stop ends all of it.
type env struct {
	o        *options
	dir      string
	tmpDir   testenv.TempDir
	cp       *testenv.ControlPlane
	procs    []*testenv.Process
	src      *valueServer
	kube     kubernetes.Interface // high-QPS client for creating objects
	keda     versioned.Interface
	adapter  *testenv.Process
	adapterH string // the adapter's plain-HTTP health address, host:port
	// activator is sluice-activator once started.
	activator *testenv.Process
	// profiled are the programs started, for -profile-dir.
	profiled []profiled
}

// startEnv starts the control plane (with the controller manager when
// withCM), installs the CRDs, creates the bench namespace and starts the
// metrics-api endpoint. On error nothing is left running.
func startEnv(ctx context.Context, o *options, withCM bool) (e *env, err error) {
	e = &env{o: o}
	if e.dir, e.tmpDir, err = testenv.WorkDir(o.workDir, "sluice-bench-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			e.stop()
		}
	}()
	cp, err := testenv.Start(ctx, testenv.Options{
		BinDir: o.kubeBin, Dir: filepath.Join(e.dir, "kube"),
		ControllerManager: withCM, HPASyncPeriod: time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("start control plane: %w", err)
	}
	e.cp = cp
	if err := cp.InstallSluiceCRDs(ctx); err != nil {
		return nil, fmt.Errorf("install CRDs: %w", err)
	}
	cfg := rest.CopyConfig(cp.Config)
	cfg.QPS, cfg.Burst = float32(o.createQPS), int(2*o.createQPS)
	if e.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("build client: %w", err)
	}
	if e.keda, err = versioned.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("build keda.sh client: %w", err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: benchNamespace}}
	if _, err := e.kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("create namespace: %w", err)
	}
	if e.src, err = startValueServer(0); err != nil {
		return nil, err
	}
	return e, nil
}

// startWithPrograms is startEnv followed by the adapter and the
// activator, recording any -activator-flag in r. On error nothing is left
// running.
func startWithPrograms(ctx context.Context, o *options, r *report, withCM bool) (*env, error) {
	if len(o.activatorArgs) > 0 {
		r.Params["activator flags"] = strings.Join(o.activatorArgs, " ")
	}
	e, err := startEnv(ctx, o, withCM)
	if err != nil {
		return nil, err
	}
	if err := e.startAdapter(ctx); err != nil {
		e.stop()
		return nil, err
	}
	if err := e.startActivator(ctx); err != nil {
		e.stop()
		return nil, err
	}
	return e, nil
}

// stop ends the processes, the endpoint and the control plane, and removes
// the work directory when startEnv created it.
func (e *env) stop() {
	if len(e.procs) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := e.saveProfiles(ctx, e.o.scenario); err != nil {
			_, _ = fmt.Fprintf(os.Stderr, "bench: save profiles: %v\n", err)
		}
		cancel()
	}
	for i := len(e.procs) - 1; i >= 0; i-- {
		e.procs[i].Stop(10 * time.Second)
	}
	if e.src != nil {
		e.src.stop()
	}
	if e.cp != nil {
		e.cp.Stop()
	}
	e.tmpDir.Remove()
}

// startAdapter runs sluice-adapter watching the bench namespace,
// registered as v1beta1.external.metrics.k8s.io and served through
// kube-apiserver (testenv.StartAdapter).
func (e *env) startAdapter(ctx context.Context) error {
	dir, err := e.programDir("adapter")
	if err != nil {
		return err
	}
	p, addrs, err := e.cp.StartAdapter(ctx, dir, filepath.Join(e.o.binDir, "sluice-adapter"),
		"--namespace=default",
		"--watch-namespace="+benchNamespace,
		"--leader-elect=false",
		"--log-level=warn",
		"--profiling",
	)
	if err != nil {
		return err
	}
	e.procs = append(e.procs, p)
	e.adapter, e.adapterH = p, addrs[boundaddrs.Metrics].String()
	e.profiled = append(e.profiled, profiled{"sluice-adapter", e.adapterH, p.PID()})
	return nil
}

// startActivator runs sluice-activator watching the bench namespace, with
// its default rate limits and workers unless -activator-flag says
// otherwise, and waits for its /readyz.
func (e *env) startActivator(ctx context.Context) error {
	dir, err := e.programDir("activator")
	if err != nil {
		return err
	}
	args := append([]string{
		"--kubeconfig=" + e.cp.Kubeconfig,
		"--watch-namespace=" + benchNamespace,
		"--leader-elect=false",
		"--log-level=warn",
		"--profiling",
	}, e.o.activatorArgs...)
	p, addrs, err := testenv.StartProgram(ctx, dir, "sluice-activator", filepath.Join(e.o.binDir, "sluice-activator"), args)
	if err != nil {
		return err
	}
	e.procs = append(e.procs, p)
	e.activator = p
	e.profiled = append(e.profiled, profiled{"sluice-activator", addrs[boundaddrs.Metrics].String(), p.PID()})
	return nil
}

// programDir creates the directory of one program under the work dir.
func (e *env) programDir(name string) (string, error) {
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s dir: %w", name, err)
	}
	return dir, nil
}

// eventually calls check every period until it returns nil, ctx ends or
// timeout passes.
func eventually(ctx context.Context, timeout, period time.Duration, what string, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: not within %v: %w", what, timeout, errors.Join(ctx.Err(), err))
		case <-t.C:
		}
	}
}
