package install

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
	"github.com/sluice-dev/sluice/pkg/certs"
)

// Keys of the TLS Secret.
const (
	KeyCert  = certs.KeyCert  // tls.crt
	KeyKey   = certs.KeyKey   // tls.key
	KeyCA    = certs.KeyCA    // ca.crt
	KeyCAKey = certs.KeyCAKey // ca.key
)

// TLS is the adapter's serving certificate, its key, the CA bundle that
// verifies it and the CA's key (see pkg/certs): what install writes and
// what the elected adapter replica renews in the cluster.
type TLS = certs.Bundle

// CAName is the common name of the CA of the adapter in namespace ns. The
// adapter renews only material whose CA is so named: Sluice generated it.
func CAName(ns string) string { return certs.SluiceCAPrefix + ns }

// DNSNames returns the names the serving certificate of the adapter in
// namespace ns must hold; kube-apiserver verifies sluice-adapter.<ns>.svc.
func DNSNames(ns string) []string { return certs.ServiceDNSNames(AdapterName, ns) }

// TLSPolicy is the certificate policy of the adapter in namespace ns.
func TLSPolicy(ns string) certs.Policy { return certs.DefaultPolicy(CAName(ns), DNSNames(ns)) }

// NewTLS generates a CA and a serving certificate for DNSNames(ns) under
// TLSPolicy(ns).
func NewTLS(ns string, now time.Time) (*TLS, error) { return certs.New(TLSPolicy(ns), now) }

// TLSFromSecret reads the material of a Secret's data.
func TLSFromSecret(data map[string][]byte) *TLS { return certs.FromSecret(data) }

// CheckTLS returns nil when t can serve the adapter in namespace ns at now
// and is not due for renewal; otherwise the error says why.
func CheckTLS(t *TLS, ns string, now time.Time) error {
	return t.Check(DNSNames(ns), now, TLSPolicy(ns).RenewBefore)
}

// tlsSecret returns the Secret TLSSecretName in ns holding t.
func tlsSecret(t *TLS, ns string) (*unstructured.Unstructured, error) {
	s := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: TLSSecretName, Namespace: ns},
		Type:       corev1.SecretTypeTLS,
		Data:       t.Data(),
	}
	out, err := appmanifests.Unstructured([]runtime.Object{s})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}
