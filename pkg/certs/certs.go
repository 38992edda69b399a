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
	"crypto/x509"
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

// newCA generates a self-signed CA named cn, valid from now for lifetime.
func newCA(cn string, now time.Time, lifetime time.Duration) (*KeyPair, error) {
	return Issue(Spec{CommonName: cn, IsCA: true, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(lifetime)}, nil)
}

// issueServing signs a serving certificate for names with ca, valid from
// now for lifetime but never past the CA's own expiry, and returns it and
// its key as PEM.
func issueServing(ca *KeyPair, names []string, now time.Time, lifetime time.Duration) (certPEM, keyPEM []byte, err error) {
	notAfter := now.Add(lifetime)
	if notAfter.After(ca.Cert.NotAfter) {
		notAfter = ca.Cert.NotAfter
	}
	kp, err := Issue(Spec{
		CommonName: names[0], DNSNames: names,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore:   now.Add(-time.Hour), NotAfter: notAfter,
	}, ca)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = kp.KeyPEM()
	if err != nil {
		return nil, nil, err
	}
	return kp.CertPEM(), keyPEM, nil
}

// SluiceCAPrefix starts the common name of every CA Sluice generates
// (followed by the adapter's namespace). The adapter renews only material
// whose current CA is so named: a certificate someone else issued is
// theirs to renew.
const SluiceCAPrefix = "sluice-adapter-ca@"
