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

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
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

// startAdapter runs sluice-adapter with a serving certificate that
// kube-apiserver verifies, registers it as the external metrics API and
// waits until that API answers through kube-apiserver.
func (e *env) startAdapter(ctx context.Context, dir, binDir string) error {
	// The certificate must name the Service RegisterAPIService creates for
	// the port, which is known only once the adapter has bound port 0.
	cert, err := testenv.NewServingCert(dir, testenv.AnyAPIServiceHost(""))
	if err != nil {
		return fmt.Errorf("create serving cert: %w", err)
	}
	kc := e.cp.Kubeconfig
	p, addrs, err := e.start(ctx, dir, "sluice-adapter", filepath.Join(binDir, "sluice-adapter"),
		[]string{boundaddrs.Metrics, boundaddrs.Secure},
		"--kubeconfig="+kc, "--authentication-kubeconfig="+kc, "--authorization-kubeconfig="+kc,
		"--bind-address=127.0.0.1", "--secure-port=0",
		"--tls-cert-file="+cert.CertFile, "--tls-private-key-file="+cert.KeyFile,
		"--metrics-bind-address=127.0.0.1:0",
		"--namespace=default", "--leader-elect=false",
	)
	if err != nil {
		return err
	}
	port := addrs[boundaddrs.Secure].Port
	// Serve before registering, so every proxied request reaches us.
	readyz := "http://" + addrs[boundaddrs.Metrics].String() + "/readyz"
	if err := poll(ctx, time.Minute, "sluice-adapter ready", p, func(ctx context.Context) error { return httpOK(ctx, readyz) }); err != nil {
		return err
	}
	err = e.cp.RegisterAPIService(ctx, testenv.APIService{
		Group: "external.metrics.k8s.io", Version: "v1beta1", Port: port, CABundle: cert.CABundle,
	})
	if err != nil {
		return fmt.Errorf("register adapter: %w", err)
	}
	if err := e.cp.WaitAPIServiceAvailable(ctx, "external.metrics.k8s.io", "v1beta1", time.Minute); err != nil {
		return fmt.Errorf("wait for adapter: %w", err)
	}
	rc := e.cp.Client.Discovery().RESTClient()
	return poll(ctx, time.Minute, "external metrics API", p, func(ctx context.Context) error {
		return rc.Get().AbsPath("/apis/external.metrics.k8s.io/v1beta1").Do(ctx).Error()
	})
}

// startActivator runs sluice-activator and waits until it is ready.
func (e *env) startActivator(ctx context.Context, dir, binDir string) error {
	p, addrs, err := e.start(ctx, dir, "sluice-activator", filepath.Join(binDir, "sluice-activator"),
		[]string{boundaddrs.Metrics},
		"--kubeconfig="+e.cp.Kubeconfig, "--leader-elect=false",
		"--metrics-bind-address=127.0.0.1:0",
	)
	if err != nil {
		return err
	}
	readyz := "http://" + addrs[boundaddrs.Metrics].String() + "/readyz"
	return poll(ctx, time.Minute, "sluice-activator ready", p, func(ctx context.Context) error { return httpOK(ctx, readyz) })
}

// start starts one of Sluice's programs, its listeners on port 0, records
// it and its log, and returns the addresses of the listeners it bound.
func (e *env) start(ctx context.Context, dir, name, bin string, listeners []string, args ...string) (*testenv.Process, map[string]*net.TCPAddr, error) {
	bound := filepath.Join(dir, name+".addresses.json")
	if err := os.Remove(bound); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("remove the addresses of an earlier run: %w", err)
	}
	p, err := testenv.StartProcess(dir, name, bin, append(args, "--bound-addresses-file="+bound)...)
	if err != nil {
		return nil, nil, err
	}
	e.procs = append(e.procs, p)
	e.info.Logs = append(e.info.Logs, filepath.Join(dir, name+".log"))
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	addrs, err := testenv.WaitBoundAddresses(wctx, p, bound, listeners...)
	if err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", name, err)
	}
	return p, addrs, nil
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

// poll calls check every 200ms until it succeeds, p exits, or timeout or
// ctx ends.
func poll(ctx context.Context, timeout time.Duration, what string, p *testenv.Process, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		err := check(cctx)
		ccancel()
		if err == nil {
			return nil
		}
		if p != nil && p.Exited() {
			return fmt.Errorf("%s: process exited:\n%s", what, p.LogTail())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last error: %w)", what, ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// httpOK returns nil when GET url answers 200.
func httpOK(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
