package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
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
	ownDir   bool
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
	e = &env{o: o, dir: o.workDir}
	if e.dir == "" {
		if e.dir, err = os.MkdirTemp("", "sluice-bench-"); err != nil {
			return nil, fmt.Errorf("create work dir: %w", err)
		}
		e.ownDir = true
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
	if e.ownDir {
		_ = os.RemoveAll(e.dir)
	}
}

// startAdapter runs sluice-adapter with a serving certificate that
// kube-apiserver verifies, waits for its /readyz, registers it as
// v1beta1.external.metrics.k8s.io and waits until kube-apiserver serves
// the group through it.
func (e *env) startAdapter(ctx context.Context) error {
	dir := filepath.Join(e.dir, "adapter")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create adapter dir: %w", err)
	}
	// The certificate must name the Service RegisterAPIService creates for
	// the port, which is known only once the adapter has bound port 0.
	cert, err := testenv.NewServingCert(dir, testenv.AnyAPIServiceHost(""))
	if err != nil {
		return fmt.Errorf("issue adapter certificate: %w", err)
	}
	p, addrs, err := e.start(ctx, dir, "sluice-adapter", []string{boundaddrs.Metrics, boundaddrs.Secure},
		"--kubeconfig="+e.cp.Kubeconfig,
		"--authentication-kubeconfig="+e.cp.Kubeconfig,
		"--authorization-kubeconfig="+e.cp.Kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--tls-cert-file="+cert.CertFile,
		"--tls-private-key-file="+cert.KeyFile,
		"--metrics-bind-address=127.0.0.1:0",
		"--namespace=default",
		"--watch-namespace="+benchNamespace,
		"--leader-elect=false",
		"--log-level=warn",
		"--profiling",
	)
	if err != nil {
		return err
	}
	port := addrs[boundaddrs.Secure].Port
	e.adapter, e.adapterH = p, addrs[boundaddrs.Metrics].String()
	e.profiled = append(e.profiled, profiled{"sluice-adapter", e.adapterH, p.PID()})
	if err := e.waitReady(ctx, p, e.adapterH, time.Minute); err != nil {
		return err
	}
	err = e.cp.RegisterAPIService(ctx, testenv.APIService{
		Group: "external.metrics.k8s.io", Version: "v1beta1", Port: port, CABundle: cert.CABundle,
	})
	if err != nil {
		return fmt.Errorf("register adapter: %w", err)
	}
	if err := e.cp.WaitAPIServiceAvailable(ctx, "external.metrics.k8s.io", "v1beta1", time.Minute); err != nil {
		return fmt.Errorf("wait for adapter APIService: %w", errors.Join(err, errors.New(p.LogTail())))
	}
	rc := e.cp.Client.Discovery().RESTClient()
	return eventually(ctx, time.Minute, 100*time.Millisecond, "external metrics API served through kube-apiserver", func() error {
		return rc.Get().AbsPath("/apis/external.metrics.k8s.io/v1beta1").Do(ctx).Error()
	})
}

// startActivator runs sluice-activator watching the bench namespace, with
// its default rate limits and workers unless -activator-flag says
// otherwise, and waits for its /readyz.
func (e *env) startActivator(ctx context.Context) error {
	dir := filepath.Join(e.dir, "activator")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create activator dir: %w", err)
	}
	args := append([]string{
		"--kubeconfig=" + e.cp.Kubeconfig,
		"--watch-namespace=" + benchNamespace,
		"--leader-elect=false",
		"--metrics-bind-address=127.0.0.1:0",
		"--log-level=warn",
		"--profiling",
	}, e.o.activatorArgs...)
	p, addrs, err := e.start(ctx, dir, "sluice-activator", []string{boundaddrs.Metrics}, args...)
	if err != nil {
		return err
	}
	e.activator = p
	e.profiled = append(e.profiled, profiled{"sluice-activator", addrs[boundaddrs.Metrics].String(), p.PID()})
	return e.waitReady(ctx, p, addrs[boundaddrs.Metrics].String(), time.Minute)
}

// start runs one of Sluice's programs from the bin directory, its
// listeners on port 0, and returns the addresses of the listeners it bound.
func (e *env) start(ctx context.Context, dir, name string, listeners []string, args ...string) (*testenv.Process, map[string]*net.TCPAddr, error) {
	bound := filepath.Join(dir, "bound-addresses.json")
	if err := os.Remove(bound); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("remove the addresses of an earlier run: %w", err)
	}
	p, err := testenv.StartProcess(dir, name, filepath.Join(e.o.binDir, name), append(args, "--bound-addresses-file="+bound)...)
	if err != nil {
		return nil, nil, fmt.Errorf("run %s: %w", name, err)
	}
	e.procs = append(e.procs, p)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	addrs, err := testenv.WaitBoundAddresses(wctx, p, bound, listeners...)
	if err != nil {
		return nil, nil, fmt.Errorf("run %s: %w", name, err)
	}
	return p, addrs, nil
}

// waitReady waits until p's /readyz on addr answers 200.
func (e *env) waitReady(ctx context.Context, p *testenv.Process, addr string, timeout time.Duration) error {
	url := "http://" + addr + "/readyz"
	c := &http.Client{Timeout: 5 * time.Second}
	return eventually(ctx, timeout, 100*time.Millisecond, url, func() error {
		if p.Exited() {
			return fmt.Errorf("%w:\n%s", errExited, p.LogTail())
		}
		return get(ctx, c, url)
	})
}

// errExited stops eventually early: the process it waits for is gone.
var errExited = errors.New("process exited")

// eventually calls check every period until it returns nil, returns
// errExited, ctx ends or timeout passes.
func eventually(ctx context.Context, timeout, period time.Duration, what string, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		err := check()
		if err == nil || errors.Is(err, errExited) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: not within %v: %w", what, timeout, errors.Join(ctx.Err(), err))
		case <-t.C:
		}
	}
}
