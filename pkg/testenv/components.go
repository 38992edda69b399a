package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// startEtcd starts etcd on two free ports and waits until it serves.
func (cp *ControlPlane) startEtcd(ctx context.Context, binDir string, opts Options) (client string, err error) {
	err = WithFreePorts(ctx, 2, opts.Logf, func(ports []int) error {
		client, err = cp.startEtcdOn(ctx, binDir, opts.StartTimeout, ports[0], ports[1])
		return err
	})
	return client, err
}

// startEtcdOn starts etcd on the given client and peer ports and waits
// until it serves; on error it has stopped it.
func (cp *ControlPlane) startEtcdOn(ctx context.Context, binDir string, timeout time.Duration, clientPort, peerPort int) (string, error) {
	// A failed attempt may have initialised a member with other URLs.
	dataDir := filepath.Join(cp.Dir, "etcd")
	if err := os.RemoveAll(dataDir); err != nil {
		return "", fmt.Errorf("clear etcd data: %w", err)
	}
	client := "http://127.0.0.1:" + itoa(clientPort)
	peer := "http://127.0.0.1:" + itoa(peerPort)
	p, err := StartProcess(cp.Dir, "etcd", filepath.Join(binDir, "etcd"),
		"--name=default",
		"--data-dir="+dataDir,
		"--listen-client-urls="+client, "--advertise-client-urls="+client,
		"--listen-peer-urls="+peer, "--initial-advertise-peer-urls="+peer,
		"--initial-cluster=default="+peer,
		"--unsafe-no-fsync", "--log-level=warn",
	)
	if err != nil {
		return "", err
	}
	return client, cp.keep(p, WaitFor(ctx, p, timeout, "wait for etcd", func(ctx context.Context) error {
		if err := listening(p, clientPort, peerPort); err != nil {
			return err
		}
		return httpOK(ctx, http.DefaultClient, client+"/health")
	}))
}

// startAPIServer starts kube-apiserver with aggregation configured on a
// free port and waits for /readyz.
func (cp *ControlPlane) startAPIServer(ctx context.Context, binDir, etcdURL string, pki *pki, opts Options) error {
	return WithFreePorts(ctx, 1, opts.Logf, func(ports []int) error {
		port := ports[0]
		args := []string{
			"--etcd-servers=" + etcdURL,
			"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
			"--endpoint-reconciler-type=none",
			"--secure-port=" + itoa(port),
			"--cert-dir=" + filepath.Join(cp.Dir, "apiserver-certs"),
			"--tls-cert-file=" + pki.servingCert, "--tls-private-key-file=" + pki.servingKey,
			"--client-ca-file=" + pki.caFile,
			"--authorization-mode=RBAC",
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=" + pki.saPub,
			"--service-account-signing-key-file=" + pki.saKey,
			"--service-cluster-ip-range=10.96.0.0/16",
			"--requestheader-client-ca-file=" + pki.frontProxyCA,
			"--requestheader-allowed-names=front-proxy-client",
			"--requestheader-username-headers=X-Remote-User",
			"--requestheader-group-headers=X-Remote-Group",
			"--requestheader-extra-headers-prefix=X-Remote-Extra-",
			"--proxy-client-cert-file=" + pki.proxyClientCert,
			"--proxy-client-key-file=" + pki.proxyClient,
		}
		if err := cp.adminClients("https://127.0.0.1:"+itoa(port), pki); err != nil {
			return err
		}
		hc, err := rest.HTTPClientFor(cp.Config)
		if err != nil {
			return fmt.Errorf("build admin http client: %w", err)
		}
		api := &apiServer{bin: filepath.Join(binDir, "kube-apiserver"), args: append(args, opts.ExtraAPIServerArgs...),
			port: port, client: hc, timeout: opts.StartTimeout, logf: opts.Logf}
		p, err := api.start(ctx, cp.Dir, "kube-apiserver", cp.Host)
		if err != nil {
			return err
		}
		cp.procs = append(cp.procs, p)
		api.proc = len(cp.procs) - 1
		cp.apiserver = api
		return nil
	})
}

// adminClients writes the admin kubeconfig for host and builds the admin
// clients from it.
func (cp *ControlPlane) adminClients(host string, pki *pki) error {
	cp.Host = host
	cp.Kubeconfig = filepath.Join(cp.Dir, "admin.kubeconfig")
	if err := writeKubeconfig(cp.Kubeconfig, cp.Host, pki); err != nil {
		return err
	}
	var err error
	if cp.Config, err = clientcmd.BuildConfigFromFlags("", cp.Kubeconfig); err != nil {
		return fmt.Errorf("load admin kubeconfig: %w", err)
	}
	cp.Config.QPS, cp.Config.Burst = 200, 400
	if cp.Client, err = kubernetes.NewForConfig(cp.Config); err != nil {
		return fmt.Errorf("build admin client: %w", err)
	}
	return nil
}

// keep adds p to the components when it started (err is nil), and stops it
// otherwise, so that a retry on fresh ports starts clean.
func (cp *ControlPlane) keep(p *Process, err error) error {
	if err != nil {
		p.Stop(5 * time.Second)
		return err
	}
	cp.procs = append(cp.procs, p)
	return nil
}

// listening returns nil when p holds a listening socket on every port: an
// answer on a port proves nothing while another process may hold it.
func listening(p *Process, ports ...int) error {
	for _, port := range ports {
		ok, err := p.ListensOn(port)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s does not listen on port %d yet", p.name, port)
		}
	}
	return nil
}

// startControllerManager starts kube-controller-manager and waits until its
// service-account controller has created the default ServiceAccount, which
// shows its controllers run.
func (cp *ControlPlane) startControllerManager(ctx context.Context, binDir string, pki *pki, opts Options) error {
	p, err := StartProcess(cp.Dir, "kube-controller-manager", filepath.Join(binDir, "kube-controller-manager"),
		"--kubeconfig="+cp.Kubeconfig,
		"--authentication-kubeconfig="+cp.Kubeconfig,
		"--authorization-kubeconfig="+cp.Kubeconfig,
		"--service-account-private-key-file="+pki.saKey,
		"--root-ca-file="+pki.caFile,
		"--leader-elect=false", "--secure-port=0",
		"--horizontal-pod-autoscaler-sync-period="+opts.HPASyncPeriod.String(),
		"--horizontal-pod-autoscaler-downscale-stabilization="+opts.HPADownscaleStabilization.String(),
	)
	if err != nil {
		return err
	}
	return cp.keep(p, WaitFor(ctx, p, opts.StartTimeout, "wait for kube-controller-manager", func(ctx context.Context) error {
		_, err := cp.Client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("default ServiceAccount not created yet")
		}
		return err
	}))
}

// writeKubeconfig writes an admin kubeconfig for host.
func writeKubeconfig(path, host string, pki *pki) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["sluice-test"] = &clientcmdapi.Cluster{Server: host, CertificateAuthority: pki.caFile}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificate: pki.adminCert, ClientKey: pki.adminKey}
	cfg.Contexts["sluice-test"] = &clientcmdapi.Context{Cluster: "sluice-test", AuthInfo: "admin", Namespace: metav1.NamespaceDefault}
	cfg.CurrentContext = "sluice-test"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// httpOK returns nil when GET url answers 200.
func httpOK(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}

// buildBinaries runs hack/kube/build.sh of the enclosing repository and
// returns the directory it prints.
func buildBinaries(ctx context.Context) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: set SLUICE_KUBE_BIN_DIR", err)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(root, "hack", "kube", "build.sh"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build control-plane binaries: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
