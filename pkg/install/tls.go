package install

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// Lifetimes of the generated certificates, and how long before expiry
// install replaces them.
const (
	CALifetime      = 10 * 365 * 24 * time.Hour
	ServingLifetime = 365 * 24 * time.Hour
	RenewBefore     = 30 * 24 * time.Hour
)

// Keys of the TLS Secret.
const (
	KeyCert = corev1.TLSCertKey       // tls.crt
	KeyKey  = corev1.TLSPrivateKeyKey // tls.key
	KeyCA   = "ca.crt"
)

// TLS is the adapter's serving certificate and the CA that signed it, all
// PEM-encoded. The CA's key is not kept: a new certificate comes with a
// new CA.
type TLS struct {
	CA, Cert, Key []byte
}

// DNSNames returns the names the serving certificate of the adapter in
// namespace ns must hold; kube-apiserver verifies sluice-adapter.<ns>.svc.
func DNSNames(ns string) []string {
	return []string{
		AdapterName + "." + ns + ".svc",
		AdapterName + "." + ns + ".svc.cluster.local",
		AdapterName,
		AdapterName + "." + ns,
	}
}

// NewTLS generates a CA valid from now for CALifetime and a serving
// certificate for DNSNames(ns) valid for ServingLifetime, with ECDSA P-256
// keys.
func NewTLS(ns string, now time.Time) (*TLS, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "sluice-adapter-ca@" + ns},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(CALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate serving key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: DNSNames(ns)[0]},
		DNSNames:     DNSNames(ns),
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(ServingLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("create serving certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode serving key: %w", err)
	}
	return &TLS{
		CA:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Key:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// serial returns a random 128-bit serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return big.NewInt(time.Now().UnixNano()) // crypto/rand does not fail on supported platforms
	}
	return n
}

// TLSFromSecret reads the material of a Secret's data.
func TLSFromSecret(data map[string][]byte) *TLS {
	return &TLS{CA: data[KeyCA], Cert: data[KeyCert], Key: data[KeyKey]}
}

// Check returns nil when t can serve the adapter in namespace ns at now:
// the key matches the certificate, the CA verifies it for every name in
// DNSNames(ns), and it expires no sooner than RenewBefore after now.
// Otherwise the error says why a new certificate is needed.
func (t *TLS) Check(ns string, now time.Time) error {
	pair, err := tls.X509KeyPair(t.Cert, t.Key)
	if err != nil {
		return fmt.Errorf("certificate and key: %w", err)
	}
	cert := pair.Leaf
	if cert == nil {
		if cert, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return fmt.Errorf("parse certificate: %w", err)
		}
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(t.CA) {
		return errors.New("no CA certificate")
	}
	for _, name := range DNSNames(ns) {
		if !slices.Contains(cert.DNSNames, name) {
			return fmt.Errorf("certificate is not for %s", name)
		}
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: DNSNames(ns)[0], CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := cert.Verify(opts); err != nil {
		return fmt.Errorf("verify certificate: %w", err)
	}
	if left := cert.NotAfter.Sub(now); left < RenewBefore {
		return fmt.Errorf("certificate expires in %s, on %s", left.Truncate(time.Hour), cert.NotAfter.UTC().Format(time.DateOnly))
	}
	return nil
}

// Secret returns the Secret TLSSecretName in ns holding t.
func (t *TLS) Secret(ns string) (*unstructured.Unstructured, error) {
	s := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: TLSSecretName, Namespace: ns},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{KeyCert: t.Cert, KeyKey: t.Key, KeyCA: t.CA},
	}
	out, err := appmanifests.Unstructured([]runtime.Object{s})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}
