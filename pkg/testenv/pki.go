package testenv

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/pkg/certs"
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
	if p.caFile, p.caKeyFile, err = writePair(ca, dir, "ca"); err != nil {
		return nil, err
	}
	serving, err := issue(certs.Spec{
		CommonName:  "kube-apiserver",
		DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
		IPs:         []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	if p.servingCert, p.servingKey, err = writePair(serving, dir, "apiserver"); err != nil {
		return nil, err
	}
	admin, err := issue(certs.Spec{
		CommonName:   "sluice-test-admin",
		Organization: []string{"system:masters"},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	if p.adminCert, p.adminKey, err = writePair(admin, dir, "admin"); err != nil {
		return nil, err
	}
	fpCA, err := newCA("sluice-test-front-proxy-ca")
	if err != nil {
		return nil, err
	}
	if p.frontProxyCA, _, err = writePair(fpCA, dir, "front-proxy-ca"); err != nil {
		return nil, err
	}
	proxyClient, err := issue(certs.Spec{
		CommonName:  "front-proxy-client",
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, fpCA)
	if err != nil {
		return nil, err
	}
	if p.proxyClientCert, p.proxyClient, err = writePair(proxyClient, dir, "front-proxy-client"); err != nil {
		return nil, err
	}
	sa, err := newCA("service-accounts")
	if err != nil {
		return nil, err
	}
	if _, p.saKey, err = writePair(sa, dir, "sa"); err != nil {
		return nil, err
	}
	pub, err := publicKeyPEM(sa)
	if err != nil {
		return nil, err
	}
	p.saPub = filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(p.saPub, pub, 0o600); err != nil {
		return nil, fmt.Errorf("write sa.pub: %w", err)
	}
	return &p, nil
}
