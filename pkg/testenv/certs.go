package testenv

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// newCA returns a self-signed certificate authority.
func newCA(name string) (*certs.KeyPair, error) {
	return issue(certs.Spec{CommonName: name, IsCA: true}, nil)
}

// issue creates a certificate for spec, valid from an hour ago (for clock
// skew) for a week, signed by parent, or self-signed when parent is nil.
func issue(spec certs.Spec, parent *certs.KeyPair) (*certs.KeyPair, error) {
	now := time.Now()
	spec.NotBefore, spec.NotAfter = now.Add(-time.Hour), now.Add(7*24*time.Hour)
	return certs.Issue(spec, parent)
}

// publicKeyPEM returns kp's public key in PKIX PEM form.
func publicKeyPEM(kp *certs.KeyPair) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(kp.Key.Public())
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// writePair stores kp as <dir>/<name>.crt and <dir>/<name>.key and returns
// the two paths.
func writePair(kp *certs.KeyPair, dir, name string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, name+".crt")
	keyFile = filepath.Join(dir, name+".key")
	keyBytes, err := kp.KeyPEM()
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(certFile, kp.CertPEM(), 0o600); err != nil {
		return "", "", fmt.Errorf("write %s: %w", certFile, err)
	}
	if err := os.WriteFile(keyFile, keyBytes, 0o600); err != nil {
		return "", "", fmt.Errorf("write %s: %w", keyFile, err)
	}
	return certFile, keyFile, nil
}

// ServingCert is a serving certificate for localhost and 127.0.0.1, signed
// by a CA whose certificate CABundle holds; use it to serve an aggregated API
// that kube-apiserver verifies.
type ServingCert struct {
	CertFile string
	KeyFile  string
	CABundle []byte
}

// NewServingCert writes a fresh CA-signed serving certificate for localhost,
// 127.0.0.1, ::1 and the extra DNS names into dir. An aggregated API server
// registered with RegisterAPIService needs APIServiceHost among them: the
// aggregator verifies the Service's name.
func NewServingCert(dir string, dnsNames ...string) (*ServingCert, error) {
	ca, err := newCA("sluice-test-serving-ca")
	if err != nil {
		return nil, err
	}
	kp, err := issue(certs.Spec{
		CommonName:  "localhost",
		DNSNames:    append([]string{"localhost"}, dnsNames...),
		IPs:         []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	certFile, keyFile, err := writePair(kp, dir, "serving")
	if err != nil {
		return nil, err
	}
	return &ServingCert{CertFile: certFile, KeyFile: keyFile, CABundle: ca.CertPEM()}, nil
}
