// Package clienttls builds a trigger's client TLS configuration from the
// parameters KEDA's triggers share (ca, cert, key, keyPassword, unsafeSsl),
// so that every trigger type reads them the same way.
package clienttls

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/youmark/pkcs8"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// Errors of DecryptKey; they never hold the key or the password.
var (
	ErrNoPEMKey       = errors.New("key holds no PEM block")
	ErrBadKeyPassword = errors.New("cannot decrypt key with it")
)

// Material is a trigger's TLS material, as its parameters give it.
type Material struct {
	// UnsafeSSL skips verifying the server's certificate: the user's
	// explicit choice (unsafeSsl).
	UnsafeSSL bool
	// CA is a PEM bundle added to the system roots; empty for none.
	CA string
	// Cert and Key are the PEM client certificate and key to present; both
	// or neither must be set.
	Cert, Key string
	// KeyPassword decrypts Key (see DecryptKey); empty when Key is plain.
	KeyPassword string
}

// Config builds the TLS configuration. Errors name the parameter (ca, cert,
// key, keyPassword) of cfg's trigger, never its content.
func (m Material) Config(cfg scalers.Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: m.UnsafeSSL} //nolint:gosec // unsafeSsl is the user's explicit choice
	if m.CA != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(m.CA)) {
			return nil, scalers.ParamErrorf(cfg, "ca", "no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	switch {
	case m.Cert == "" && m.Key == "":
		return tc, nil
	case m.Cert == "":
		return nil, scalers.ParamErrorf(cfg, "cert", "%w: key is set, so cert must be too", scalers.ErrMissingParam)
	case m.Key == "":
		return nil, scalers.ParamErrorf(cfg, "key", "%w: cert is set, so key must be too", scalers.ErrMissingParam)
	}
	keyPEM, err := DecryptKey([]byte(m.Key), m.KeyPassword)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "keyPassword", "%v", err)
	}
	cert, err := tls.X509KeyPair([]byte(m.Cert), keyPEM)
	if err != nil {
		// crypto/tls errors describe the problem, never the key.
		return nil, scalers.ParamErrorf(cfg, "cert", "with key: %v", err)
	}
	tc.Certificates = []tls.Certificate{cert}
	return tc, nil
}

// DecryptKey returns keyPEM unchanged when password is empty, and else the
// key decrypted: an encrypted PKCS#8 key ("ENCRYPTED PRIVATE KEY", what
// openssl and current tooling write; KEDA decrypts these with the same
// library) or a legacy RFC 1423 PEM key ("Proc-Type: 4,ENCRYPTED"). A key
// that is not encrypted is returned unchanged.
func DecryptKey(keyPEM []byte, password string) ([]byte, error) {
	if password == "" {
		return keyPEM, nil
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, ErrNoPEMKey
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" {
		key, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte(password))
		if err != nil {
			return nil, ErrBadKeyPassword
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("re-encode decrypted key: %w", err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	//nolint:staticcheck // RFC 1423 keys are weak, but they are what some users of keyPassword have.
	if !x509.IsEncryptedPEMBlock(block) {
		return keyPEM, nil
	}
	//nolint:staticcheck // See above: decrypting is the only use.
	der, err := x509.DecryptPEMBlock(block, []byte(password))
	if err != nil {
		return nil, ErrBadKeyPassword
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
}
