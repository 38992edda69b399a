package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// testAdapterPkg serves custom-metrics-apiserver's own test provider: an
// external metrics provider over a fixed in-memory list, on the same
// apiserver library as sluice-adapter. Served through the aggregator it is
// the floor of the path an HPA's metric request takes. It is the module's
// test-adapter without its fixed :8080 listener (see its doc).
const testAdapterPkg = "github.com/sluice-dev/sluice/hack/bench/testadapter"

// floorMetricPath is one of the test adapter's fixed external metrics,
// selected to one value as an HPA's request selects one ScaledObject.
const floorMetricPath = "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + benchNamespace +
	"/my-external-metric?labelSelector=foo%3Dbar"

// testAdapterBinary returns -test-adapter, or builds the test adapter from
// the module at the version go.mod requires into dir.
func (e *env) testAdapterBinary(ctx context.Context, dir string) (string, error) {
	if e.o.testAdapter != "" {
		return e.o.testAdapter, nil
	}
	root, err := findRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "test-adapter")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, testAdapterPkg)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", testAdapterPkg, err, out)
	}
	return bin, nil
}

// startTestAdapter runs the test adapter on a free loopback port,
// registers it as v1beta1.external.metrics.k8s.io and waits until
// kube-apiserver serves its metric. Its secure port cannot be 0 (the
// library turns HTTPS off then), so a taken port is retried.
func (e *env) startTestAdapter(ctx context.Context) (*testenv.Process, error) {
	dir := filepath.Join(e.dir, "test-adapter")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create test adapter dir: %w", err)
	}
	bin, err := e.testAdapterBinary(ctx, dir)
	if err != nil {
		return nil, err
	}
	cert, err := testenv.NewServingCert(dir, testenv.AnyAPIServiceHost(""))
	if err != nil {
		return nil, fmt.Errorf("issue test adapter certificate: %w", err)
	}
	var p *testenv.Process
	err = testenv.WithFreePorts(ctx, 1, nil, func(ports []int) error {
		proc, err := testenv.StartProcess(dir, "test-adapter", bin,
			"--lister-kubeconfig="+e.cp.Kubeconfig,
			"--authentication-kubeconfig="+e.cp.Kubeconfig,
			"--authorization-kubeconfig="+e.cp.Kubeconfig,
			"--bind-address=127.0.0.1",
			"--secure-port="+strconv.Itoa(ports[0]),
			"--tls-cert-file="+cert.CertFile,
			"--tls-private-key-file="+cert.KeyFile,
			"--v=0",
		)
		if err != nil {
			return err
		}
		lctx, cancel := context.WithTimeout(ctx, time.Minute)
		err = proc.WaitListening(lctx, ports[0])
		cancel()
		if err != nil {
			proc.Stop(5 * time.Second)
			return proc.Failure(err)
		}
		p = proc
		return e.cp.RegisterAPIService(ctx, testenv.APIService{
			Group: "external.metrics.k8s.io", Version: "v1beta1", Port: ports[0], CABundle: cert.CABundle,
		})
	})
	if err != nil {
		if p != nil {
			p.Stop(5 * time.Second)
		}
		return nil, fmt.Errorf("start test adapter: %w", err)
	}
	if err := e.cp.WaitExternalMetrics(ctx, p, floorMetricPath); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}
