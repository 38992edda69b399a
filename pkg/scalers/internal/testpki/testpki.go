// Package testpki makes certificates for the tests of the HTTP-based
// trigger types: a CA with a client certificate, and the PEM of a TLS test
// server's certificate. Only tests import it.
package testpki

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// PKI is a CA and a client certificate it signed, in PEM.
type PKI struct {
	CACert     *x509.Certificate
	ClientCert string
	ClientKey  string
}

// New returns a fresh CA and client certificate, valid for an hour. The
// client key is in SEC 1 ("EC PRIVATE KEY") form.
func New(t testing.TB) *PKI {
	t.Helper()
	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	ca, err := certs.Issue(certs.Spec{CommonName: "test ca", IsCA: true, NotBefore: from, NotAfter: to}, nil)
	if err != nil {
		t.Fatal(err)
	}
	client, err := certs.Issue(certs.Spec{
		CommonName: "sluice", ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotBefore: from, NotAfter: to,
	}, ca)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := client.Key.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("client key is a %T, want ECDSA", client.Key)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &PKI{
		CACert:     ca.Cert,
		ClientCert: string(client.CertPEM()),
		ClientKey:  string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})),
	}
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
	pool := x509.NewCertPool()
	pool.AddCert(p.CACert)
	mtls.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	mtls.StartTLS()
	t.Cleanup(mtls.Close)
	return srv, mtls
}
