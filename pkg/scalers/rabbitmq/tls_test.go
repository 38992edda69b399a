package rabbitmq

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

func TestTLSMaterial(t *testing.T) {
	pki := testpki.New(t)
	caPEM := pki.CAPEM
	block, _ := pem.Decode([]byte(pki.ClientKey))
	//nolint:staticcheck // legacy PEM encryption is what keyPassword reads
	enc, err := x509.EncryptPEMBlock(rand.Reader, block.Type, block.Bytes, []byte(secret), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encKey := string(pem.EncodeToMemory(enc))
	tests := []struct {
		name      string
		host      string
		auth      map[string]string
		certs     int
		external  bool
		wantParam string
	}{
		{name: "plain amqp has no TLS", host: "amqp://h/"},
		{name: "amqps without tls: enable verifies with system roots", host: "amqps://u:p@h/"},
		{name: "client certificate and CA", host: "amqps://h/", auth: map[string]string{"tls": "enable", "ca": caPEM, "cert": pki.ClientCert, "key": pki.ClientKey},
			certs: 1, external: true},
		{name: "certificate with credentials uses them", host: "amqps://u:p@h/", auth: map[string]string{"tls": "enable", "cert": pki.ClientCert, "key": pki.ClientKey},
			certs: 1},
		{name: "encrypted key", host: "https://h/", auth: map[string]string{"tls": "enable", "cert": pki.ClientCert, "key": encKey, "keyPassword": secret},
			certs: 1},
		{name: "encrypted key, wrong password", host: "amqps://h/", auth: map[string]string{"tls": "enable", "cert": pki.ClientCert, "key": encKey, "keyPassword": "nope"},
			wantParam: "keyPassword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{"host": tt.host, "queueName": "q"}, AuthParams: tt.auth})
			if tt.wantParam != "" {
				if err == nil || !strings.Contains(err.Error(), `"`+tt.wantParam+`"`) || strings.Contains(err.Error(), "nope") {
					t.Fatalf("error %v, want one naming %s without the password", err, tt.wantParam)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := tr.Source.(*source)
			var certs int
			var external bool
			sr, err := s.h.Get()
			if err != nil {
				t.Fatal(err)
			}
			switch r := sr.(type) {
			case *amqpReader:
				if tc := r.config.TLSClientConfig; tc != nil {
					certs = len(tc.Certificates)
				} else if s.t.tlsScheme() {
					t.Fatal("amqps without a TLS configuration")
				}
				_, external = r.config.SASL[0].(*amqp.ExternalAuth)
			case *httpReader:
				if tc := r.client.Transport.(*http.Transport).TLSClientConfig; tc != nil {
					certs = len(tc.Certificates)
				}
			}
			if certs != tt.certs || external != tt.external {
				t.Fatalf("client certificates %d, EXTERNAL %v; want %d, %v", certs, external, tt.certs, tt.external)
			}
		})
	}
}
