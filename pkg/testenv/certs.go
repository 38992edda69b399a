package testenv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a certificate and its private key.
type keyPair struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// certSpec describes a certificate to issue.
type certSpec struct {
	commonName   string
	organization []string
	dnsNames     []string
	ips          []net.IP
	isCA         bool
	usages       []x509.ExtKeyUsage
}

// newCA returns a self-signed certificate authority.
func newCA(name string) (*keyPair, error) {
	return issue(certSpec{commonName: name, isCA: true}, nil)
}

// issue creates a certificate for spec, signed by parent, or self-signed
// when parent is nil. Keys are ECDSA P-256: fast to make and accepted by
// every component.
func issue(spec certSpec, parent *keyPair) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.commonName, Organization: spec.organization},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           spec.usages,
		DNSNames:              spec.dnsNames,
		IPAddresses:           spec.ips,
		BasicConstraintsValid: true,
		IsCA:                  spec.isCA,
	}
	if spec.isCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	}
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", spec.commonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate %q: %w", spec.commonName, err)
	}
	return &keyPair{cert: cert, key: key}, nil
}

// certPEM returns the certificate in PEM form.
func (kp *keyPair) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: kp.cert.Raw})
}

// keyPEM returns the private key in PKCS#8 PEM form.
func (kp *keyPair) keyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(kp.key)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// publicKeyPEM returns the public key in PKIX PEM form.
func (kp *keyPair) publicKeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(kp.key.Public())
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// write stores the pair as <dir>/<name>.crt and <dir>/<name>.key and returns
// the two paths.
func (kp *keyPair) write(dir, name string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, name+".crt")
	keyFile = filepath.Join(dir, name+".key")
	keyBytes, err := kp.keyPEM()
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(certFile, kp.certPEM(), 0o600); err != nil {
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
	kp, err := issue(certSpec{
		commonName: "localhost",
		dnsNames:   append([]string{"localhost"}, dnsNames...),
		ips:        []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		usages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	certFile, keyFile, err := kp.write(dir, "serving")
	if err != nil {
		return nil, err
	}
	return &ServingCert{CertFile: certFile, KeyFile: keyFile, CABundle: ca.certPEM()}, nil
}
