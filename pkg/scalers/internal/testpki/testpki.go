// Package testpki makes certificates for the trigger types' tests: a CA,
// a client certificate and a serving certificate for 127.0.0.1 it signed,
// TLS configurations over them, and the PEM of a TLS test server's
// certificate. Only tests import it.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// PKI is a CA and the certificates it signed, in PEM.
type PKI struct {
	// CACert is the CA; CAPEM the same in PEM.
	CACert *x509.Certificate
	CAPEM  string
	// ClientCert and ClientKey are a client certificate (CN sluice).
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
	ca, caKey, caPEM, _ := issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test ca"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	_, _, clientCert, clientKey := issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sluice"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, caKey)
	_, _, serverCert, serverKey := issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, caKey)
	return &PKI{CACert: ca, CAPEM: caPEM, ClientCert: clientCert, ClientKey: clientKey, ServerCert: serverCert, ServerKey: serverKey}
}

// issue returns a certificate from tmpl, signed by parent (self-signed when
// parent is nil), its key, and both in PEM.
func issue(t testing.TB, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
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
