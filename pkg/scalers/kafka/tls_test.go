package kafka

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/youmark/pkcs8"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testerr"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
)

func TestPollTLS(t *testing.T) {
	pki := testpki.New(t)
	caPEM, cliCert, cliKey := pki.CAPEM, pki.ClientCert, pki.ClientKey
	k := newCluster(t, []kfake.Opt{kfake.TLS(pki.MutualTLS(t))}, []kgo.Opt{kgo.DialTLSConfig(pki.ClientTLS(t))}, "tls")
	k.produce("tls", 1, 2)

	//nolint:staticcheck // keyPassword takes RFC 1423 keys; the test needs one.
	encBlock, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", pemBody(t, cliKey), []byte("kp"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encKey := string(pem.EncodeToMemory(encBlock))
	pk, err := x509.ParseECPrivateKey(pemBody(t, cliKey))
	if err != nil {
		t.Fatal(err)
	}
	p8DER, err := pkcs8.MarshalPrivateKey(pk, []byte("kp8"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p8Key := string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: p8DER}))
	tests := []struct {
		name    string
		auth    map[string]string
		wantErr string
	}{
		{name: "client cert", auth: map[string]string{"tls": "enable", "ca": caPEM, "cert": cliCert, "key": cliKey}},
		{name: "encrypted key", auth: map[string]string{"tls": "enable", "ca": caPEM, "cert": cliCert, "key": encKey, "keyPassword": "kp"}},
		{name: "encrypted PKCS#8 key", auth: map[string]string{"tls": "enable", "ca": caPEM, "cert": cliCert, "key": p8Key, "keyPassword": "kp8\n"}},
		{name: "untrusted server", auth: map[string]string{"tls": "enable", "cert": cliCert, "key": cliKey}, wantErr: "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Type: Type, AuthParams: tt.auth, Metadata: map[string]string{
				"bootstrapServers": k.brokers, "consumerGroup": "g", "topic": "tls", "offsetResetPolicy": "earliest"}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			v, err := tr.Source.Poll(ctx)
			if testerr.Want(t, "Poll()", err, tt.wantErr) {
				return
			}
			if v != 2 {
				t.Fatalf("Poll() = %v; want 2", v)
			}
		})
	}
	_, err = New(nil)(scalers.Config{Type: Type, AuthParams: map[string]string{"tls": "enable", "cert": cliCert, "key": encKey, "keyPassword": "wrong-hunter2"},
		Metadata: map[string]string{"bootstrapServers": k.brokers, "consumerGroup": "g"}})
	// RFC 1423 cannot always tell a wrong password (its padding check passes
	// about once in 256); then the key does not match the certificate.
	if err == nil || !strings.Contains(err.Error(), `parameter "keyPassword"`) && !strings.Contains(err.Error(), `parameter "cert"`) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("wrong keyPassword: got %v", err)
	}
}

func pemBody(t *testing.T, s string) []byte {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		t.Fatal("no PEM")
	}
	return b.Bytes
}
