package clienttls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/youmark/pkcs8"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

func TestDecryptKey(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := pkcs8.MarshalPrivateKey(key, []byte("right"), nil)
	if err != nil {
		t.Fatal(err)
	}
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der})
	plainDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	plain := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: plainDER})

	tests := []struct {
		name     string
		key      []byte
		password string
		wantErr  error
		wantType string
	}{
		{"pkcs8 right password", encrypted, "right", nil, "PRIVATE KEY"},
		{"pkcs8 wrong password", encrypted, "wrong-hunter2", ErrBadKeyPassword, ""},
		{"no password keeps the key", encrypted, "", nil, "ENCRYPTED PRIVATE KEY"},
		{"plain key with a password", plain, "right", nil, "PRIVATE KEY"},
		{"not PEM", []byte("garbage"), "right", ErrNoPEMKey, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := DecryptKey(tt.key, tt.password)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("DecryptKey() error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error %q holds the password", err)
				}
				return
			}
			if b, _ := pem.Decode(out); b == nil || b.Type != tt.wantType {
				t.Fatalf("DecryptKey() = %q, want a %s block", out, tt.wantType)
			}
		})
	}
}

func TestConfigErrorsNameTheParameter(t *testing.T) {
	cfg := scalers.Config{Type: "test"}
	tests := []struct {
		name  string
		m     Material
		param string
	}{
		{"bad ca", Material{CA: "not pem"}, `"ca"`},
		{"cert without key", Material{Cert: "x"}, `"key"`},
		{"key without cert", Material{Key: "x"}, `"cert"`},
		{"key password on garbage", Material{Cert: "x", Key: "x", KeyPassword: "p"}, `"keyPassword"`},
		{"pair that does not parse", Material{Cert: "x", Key: "secret-key-text"}, `"cert"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.Config(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.param) {
				t.Fatalf("Config() error = %v, want one naming %s", err, tt.param)
			}
			if strings.Contains(err.Error(), "secret-key-text") {
				t.Fatalf("error %q holds the key", err)
			}
		})
	}
	tc, err := Material{UnsafeSSL: true}.Config(cfg)
	if err != nil || !tc.InsecureSkipVerify || tc.Certificates != nil {
		t.Fatalf("unsafeSsl only: %+v, %v", tc, err)
	}
}
