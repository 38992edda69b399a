package testenv

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// pki holds the files of the control plane's certificates and keys.
type pki struct {
	caFile, caKeyFile            string
	servingCert, servingKey      string
	adminCert, adminKey          string
	frontProxyCA                 string
	proxyClientCert, proxyClient string
	saKey, saPub                 string
}

// writePKI creates the cluster CA, the apiserver's serving certificate, an
// admin client certificate (system:masters), the front-proxy CA with its
// client certificate for aggregation, and the service-account signing key.
func writePKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create pki dir: %w", err)
	}
	var p pki
	var err error
	ca, err := newCA("sluice-test-ca")
	if err != nil {
		return nil, err
	}
	if p.caFile, p.caKeyFile, err = ca.write(dir, "ca"); err != nil {
		return nil, err
	}
	serving, err := issue(certSpec{
		commonName: "kube-apiserver",
		dnsNames:   []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		ips:        []net.IP{net.IPv4(127, 0, 0, 1)},
		usages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	if p.servingCert, p.servingKey, err = serving.write(dir, "apiserver"); err != nil {
		return nil, err
	}
	admin, err := issue(certSpec{
		commonName:   "sluice-test-admin",
		organization: []string{"system:masters"},
		usages:       []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	if p.adminCert, p.adminKey, err = admin.write(dir, "admin"); err != nil {
		return nil, err
	}
	fpCA, err := newCA("sluice-test-front-proxy-ca")
	if err != nil {
		return nil, err
	}
	if p.frontProxyCA, _, err = fpCA.write(dir, "front-proxy-ca"); err != nil {
		return nil, err
	}
	proxyClient, err := issue(certSpec{
		commonName: "front-proxy-client",
		usages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, fpCA)
	if err != nil {
		return nil, err
	}
	if p.proxyClientCert, p.proxyClient, err = proxyClient.write(dir, "front-proxy-client"); err != nil {
		return nil, err
	}
	sa, err := newCA("service-accounts")
	if err != nil {
		return nil, err
	}
	if _, p.saKey, err = sa.write(dir, "sa"); err != nil {
		return nil, err
	}
	pub, err := sa.publicKeyPEM()
	if err != nil {
		return nil, err
	}
	p.saPub = filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(p.saPub, pub, 0o600); err != nil {
		return nil, fmt.Errorf("write sa.pub: %w", err)
	}
	return &p, nil
}
