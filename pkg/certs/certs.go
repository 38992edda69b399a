// Package certs issues and renews the adapter's serving certificate and the
// CA that signs it. Both `sluice install` and the elected adapter replica
// use it: install to create the material, the adapter to renew it in the
// cluster before it expires, with nobody re-running install.
//
// A Bundle is what the Secret sluice-adapter-tls holds. Its CA field may
// hold several CA certificates: the current one first, then older ones that
// have not expired yet, so that kube-apiserver (whose APIService caBundle is
// that field) keeps trusting a replica still serving a certificate of the
// old CA while the new one reaches every replica.
package certs

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
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Keys of the TLS Secret.
const (
	KeyCert  = corev1.TLSCertKey       // tls.crt
	KeyKey   = corev1.TLSPrivateKeyKey // tls.key
	KeyCA    = "ca.crt"
	KeyCAKey = "ca.key"
)

// Bundle is a serving certificate and key, and the CA bundle that verifies
// it, all PEM-encoded. CAKey is the key of the first certificate of CA;
// empty in Secrets written before renewal existed, in which case a renewal
// comes with a new CA.
type Bundle struct {
	CA, CAKey, Cert, Key []byte
}

// FromSecret reads the material of a Secret's data.
func FromSecret(data map[string][]byte) *Bundle {
	return &Bundle{CA: data[KeyCA], CAKey: data[KeyCAKey], Cert: data[KeyCert], Key: data[KeyKey]}
}

// Data returns the Secret data holding b.
func (b *Bundle) Data() map[string][]byte {
	return map[string][]byte{KeyCert: b.Cert, KeyKey: b.Key, KeyCA: b.CA, KeyCAKey: b.CAKey}
}

// ServiceDNSNames returns the names a serving certificate of the Service
// name in namespace ns holds; kube-apiserver verifies <name>.<ns>.svc.
func ServiceDNSNames(name, ns string) []string {
	return []string{name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local", name, name + "." + ns}
}

// issuer is a CA certificate and its key.
type issuer struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// newCA generates a self-signed CA named cn, valid from now for lifetime.
func newCA(cn string, now time.Time, lifetime time.Duration) (*issuer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(lifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &issuer{cert: cert, key: key}, nil
}

// issue signs a serving certificate for names, valid from now for lifetime
// but never past the CA's own expiry, and returns it and its key as PEM.
func (ca *issuer) issue(names []string, now time.Time, lifetime time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate serving key: %w", err)
	}
	notAfter := now.Add(lifetime)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("create serving certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode serving key: %w", err)
	}
	return certPEMOf(der), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// keyPEM encodes the CA's key.
func (ca *issuer) keyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("encode CA key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// certPEMOf encodes one certificate.
func certPEMOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serial returns a random 128-bit serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return big.NewInt(time.Now().UnixNano()) // crypto/rand does not fail on supported platforms
	}
	return n
}

// SluiceCAPrefix starts the common name of every CA Sluice generates
// (followed by the adapter's namespace). The adapter renews only material
// whose current CA is so named: a certificate someone else issued is
// theirs to renew.
const SluiceCAPrefix = "sluice-adapter-ca@"
