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
	caFile                       string
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
	// Each pair is issued by the pair named parent (self-signed when "")
	// and written as <dir>/<name>.crt and <dir>/<name>.key; cert and key,
	// when set, receive the two paths.
	pairs := []struct {
		name, parent string
		spec         certs.Spec
		cert, key    *string
	}{
		{"ca", "", certs.Spec{CommonName: "sluice-test-ca", IsCA: true}, &p.caFile, nil},
		{"apiserver", "ca", certs.Spec{
			CommonName:  "kube-apiserver",
			DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
			IPs:         []net.IP{net.IPv4(127, 0, 0, 1)},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}, &p.servingCert, &p.servingKey},
		{"admin", "ca", certs.Spec{
			CommonName:   "sluice-test-admin",
			Organization: []string{"system:masters"},
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}, &p.adminCert, &p.adminKey},
		{"front-proxy-ca", "", certs.Spec{CommonName: "sluice-test-front-proxy-ca", IsCA: true}, &p.frontProxyCA, nil},
		{"front-proxy-client", "front-proxy-ca", certs.Spec{
			CommonName:  "front-proxy-client",
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}, &p.proxyClientCert, &p.proxyClient},
		{"sa", "", certs.Spec{CommonName: "service-accounts", IsCA: true}, nil, &p.saKey},
	}
	issued := map[string]*certs.KeyPair{}
	for _, pair := range pairs {
		kp, err := issue(pair.spec, issued[pair.parent])
		if err != nil {
			return nil, err
		}
		issued[pair.name] = kp
		certFile, keyFile, err := writePair(kp, dir, pair.name)
		if err != nil {
			return nil, err
		}
		if pair.cert != nil {
			*pair.cert = certFile
		}
		if pair.key != nil {
			*pair.key = keyFile
		}
	}
	pub, err := publicKeyPEM(issued["sa"])
	if err != nil {
		return nil, err
	}
	p.saPub = filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(p.saPub, pub, 0o600); err != nil {
		return nil, fmt.Errorf("write sa.pub: %w", err)
	}
	return &p, nil
}
