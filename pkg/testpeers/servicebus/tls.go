package servicebus

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// testCA is a certificate authority made for one peer, and the serving
// certificate it signed for 127.0.0.1, ::1 and localhost.
type testCA struct {
	pem   []byte
	pool  *x509.CertPool
	serve tls.Certificate
}

// newTestCA makes a CA and a serving certificate, both valid for a day.
func newTestCA() (*testCA, error) {
	now := time.Now()
	from, to := now.Add(-time.Hour), now.Add(24*time.Hour)
	ca, err := certs.Issue(certs.Spec{CommonName: "sluice servicebus test peer ca", IsCA: true, NotBefore: from, NotAfter: to}, nil)
	if err != nil {
		return nil, err
	}
	leaf, err := certs.Issue(certs.Spec{
		CommonName: "localhost", DNSNames: []string{"localhost"},
		IPs:         []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		NotBefore:   from, NotAfter: to,
	}, ca)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	return &testCA{
		pem:   ca.CertPEM(),
		pool:  pool,
		serve: tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key, Leaf: leaf.Cert},
	}, nil
}
