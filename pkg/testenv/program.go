package testenv

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
)

// programStartTimeout bounds each wait of StartProgram and StartAdapter:
// for the listeners, for /readyz, for the APIService.
const programStartTimeout = time.Minute

// StartProgram runs name, one of Sluice's programs, from bin in dir with
// every listener on port 0, so that no port is taken between picking and
// binding: it adds --metrics-bind-address=127.0.0.1:0 and
// --bound-addresses-file before args, waits until the program has bound
// boundaddrs.Metrics and the other listeners named, then until its
// /readyz answers 200, and returns the bound addresses by name. Programs
// may share dir. On error the program is stopped and the error carries its
// log tail; otherwise the caller stops it.
func StartProgram(ctx context.Context, dir, name, bin string, args []string, listeners ...string) (*Process, map[string]*net.TCPAddr, error) {
	bound := filepath.Join(dir, name+".bound-addresses.json")
	if err := os.Remove(bound); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("remove the addresses of an earlier run: %w", err)
	}
	args = append([]string{"--metrics-bind-address=127.0.0.1:0", "--bound-addresses-file=" + bound}, args...)
	p, err := StartProcess(dir, name, bin, args...)
	if err != nil {
		return nil, nil, err
	}
	addrs, err := waitProgram(ctx, p, name, bound, listeners)
	if err != nil {
		p.Stop(10 * time.Second)
		return nil, nil, err
	}
	return p, addrs, nil
}

// waitProgram waits until p has bound its listeners and answers /readyz.
func waitProgram(ctx context.Context, p *Process, name, bound string, listeners []string) (map[string]*net.TCPAddr, error) {
	wctx, cancel := context.WithTimeout(ctx, programStartTimeout)
	defer cancel()
	addrs, err := WaitBoundAddresses(wctx, p, bound, append([]string{boundaddrs.Metrics}, listeners...)...)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := WaitReady(ctx, p, addrs[boundaddrs.Metrics].String(), programStartTimeout); err != nil {
		return nil, err
	}
	return addrs, nil
}

// WaitReady waits until the /readyz of p, one of Sluice's programs, on its
// metrics address addr (host:port) answers 200. It fails with p's log when
// p exits first or timeout passes.
func WaitReady(ctx context.Context, p *Process, addr string, timeout time.Duration) error {
	readyz := "http://" + addr + "/readyz"
	c := &http.Client{Timeout: 10 * time.Second}
	return WaitFor(ctx, p, timeout, readyz, func(ctx context.Context) error { return httpOK(ctx, c, readyz) })
}

// StartAdapter runs sluice-adapter from bin in dir against cp, serving
// with a certificate kube-apiserver verifies, with args after the ones
// that wire it to cp; registers it as v1beta1.external.metrics.k8s.io once
// it is ready (so that every request the aggregator proxies reaches it),
// and waits until kube-apiserver serves the group through it. It returns
// the process and its bound addresses (boundaddrs.Metrics and
// boundaddrs.Secure). On error the adapter is stopped.
func (cp *ControlPlane) StartAdapter(ctx context.Context, dir, bin string, args ...string) (*Process, map[string]*net.TCPAddr, error) {
	// The certificate must name the Service RegisterAPIService creates for
	// the port, which is known only once the adapter has bound port 0.
	cert, err := NewServingCert(dir, AnyAPIServiceHost(""))
	if err != nil {
		return nil, nil, fmt.Errorf("issue adapter certificate: %w", err)
	}
	kc := cp.Kubeconfig
	args = append([]string{
		"--kubeconfig=" + kc, "--authentication-kubeconfig=" + kc, "--authorization-kubeconfig=" + kc,
		"--bind-address=127.0.0.1", "--secure-port=0",
		"--tls-cert-file=" + cert.CertFile, "--tls-private-key-file=" + cert.KeyFile,
	}, args...)
	p, addrs, err := StartProgram(ctx, dir, "sluice-adapter", bin, args, boundaddrs.Secure)
	if err != nil {
		return nil, nil, err
	}
	if err := cp.ServeExternalMetrics(ctx, p, addrs[boundaddrs.Secure].Port, cert.CABundle); err != nil {
		p.Stop(10 * time.Second)
		return nil, nil, err
	}
	return p, addrs, nil
}

// ServeExternalMetrics registers the adapter p listening on localhost:port,
// trusting caBundle, as v1beta1.external.metrics.k8s.io, and waits until
// kube-apiserver serves the group through it (WaitExternalMetrics). p may
// be nil when port is not one process's (a load balancer in front of
// several adapters).
func (cp *ControlPlane) ServeExternalMetrics(ctx context.Context, p *Process, port int, caBundle []byte) error {
	err := cp.RegisterAPIService(ctx, APIService{Group: externalMetricsGroup, Version: externalMetricsVersion, Port: port, CABundle: caBundle})
	if err != nil {
		return fmt.Errorf("register adapter: %w", err)
	}
	return cp.WaitExternalMetrics(ctx, p, "")
}

// The API an adapter serves.
const externalMetricsGroup, externalMetricsVersion = "external.metrics.k8s.io", "v1beta1"

// WaitExternalMetrics waits until kube-apiserver reports the external
// metrics APIService available and answers GET uri (a path, with a query
// if any) through it: the group's discovery document when uri is empty.
// Errors carry the log of p, the adapter registered.
func (cp *ControlPlane) WaitExternalMetrics(ctx context.Context, p *Process, uri string) error {
	if err := cp.WaitAPIServiceAvailable(ctx, externalMetricsGroup, externalMetricsVersion, programStartTimeout); err != nil {
		return p.Failure(fmt.Errorf("wait for adapter APIService: %w", err))
	}
	if uri == "" {
		uri = "/apis/" + externalMetricsGroup + "/" + externalMetricsVersion
	}
	rc := cp.Client.Discovery().RESTClient()
	return WaitFor(ctx, p, programStartTimeout, uri+" served through kube-apiserver", func(ctx context.Context) error {
		return rc.Get().RequestURI(uri).Do(ctx).Error()
	})
}
