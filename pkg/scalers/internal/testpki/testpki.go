// Package testpki makes certificates for the trigger types' tests: a CA,
// a client certificate and a serving certificate for 127.0.0.1 it signed,
// TLS configurations over them, and the PEM of a TLS test server's
// certificate. Only tests import it.
package testpki

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// PKI is a CA and the certificates it signed, in PEM.
type PKI struct {
	// CACert is the CA; CAPEM the same in PEM.
	CACert *x509.Certificate
	CAPEM  string
	// ClientCert and ClientKey are a client certificate (CN sluice); the
	// key is in SEC 1 ("EC PRIVATE KEY") form.
	ClientCert string
	ClientKey  string
	// ServerCert and ServerKey are a serving certificate for 127.0.0.1
	// and localhost.
	ServerCert string
	ServerKey  string
}

// New returns a fresh CA and the certificates it signed, valid for an
// hour.
func New(t testing.TB) *PKI {
	t.Helper()
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	ca := issue(t, certs.Spec{CommonName: "test ca", IsCA: true, NotBefore: from, NotAfter: to}, nil)
	client := issue(t, certs.Spec{
		CommonName: "sluice", ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotBefore: from, NotAfter: to,
	}, ca)
	server := issue(t, certs.Spec{
		CommonName: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, NotBefore: from, NotAfter: to,
	}, ca)
	return &PKI{
		CACert: ca.Cert, CAPEM: string(ca.CertPEM()),
		ClientCert: string(client.CertPEM()), ClientKey: sec1(t, client),
		ServerCert: string(server.CertPEM()), ServerKey: sec1(t, server),
	}
}

// issue returns the certificate spec describes, signed by parent
// (self-signed when nil).
func issue(t testing.TB, spec certs.Spec, parent *certs.KeyPair) *certs.KeyPair {
	t.Helper()
	kp, err := certs.Issue(spec, parent)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// sec1 returns kp's ECDSA key in SEC 1 PEM form.
func sec1(t testing.TB, kp *certs.KeyPair) string {
	t.Helper()
	key, ok := kp.Key.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("key is a %T, want ECDSA", kp.Key)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

// Pool returns a certificate pool holding only the CA.
func (p *PKI) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CACert)
	return pool
}

// MutualTLS returns a server configuration that presents the serving
// certificate and requires a client certificate signed by the CA.
func (p *PKI) MutualTLS(t testing.TB) *tls.Config {
	t.Helper()
	return &tls.Config{Certificates: []tls.Certificate{pair(t, p.ServerCert, p.ServerKey)}, ClientCAs: p.Pool(),
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
}

// ClientTLS returns a client configuration that trusts the CA and
// presents the client certificate.
func (p *PKI) ClientTLS(t testing.TB) *tls.Config {
	t.Helper()
	return &tls.Config{RootCAs: p.Pool(), Certificates: []tls.Certificate{pair(t, p.ClientCert, p.ClientKey)}, MinVersion: tls.VersionTLS12}
}

func pair(t testing.TB, cert, key string) tls.Certificate {
	t.Helper()
	c, err := tls.X509KeyPair([]byte(cert), []byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ServerCA returns the PEM of a TLS test server's certificate.
func ServerCA(srv *httptest.Server) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// Servers starts two TLS test servers of h, closed at the end of the test:
// srv presents a certificate only, mtls also requires a client certificate
// signed by p's CA.
func (p *PKI) Servers(t testing.TB, h http.Handler) (srv, mtls *httptest.Server) {
	t.Helper()
	srv = httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	mtls = httptest.NewUnstartedServer(h)
	mtls.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.Pool(), MinVersion: tls.VersionTLS12}
	mtls.StartTLS()
	t.Cleanup(mtls.Close)
	return srv, mtls
}
