package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/youmark/pkcs8"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// tlsConfig builds the client TLS configuration for p, or nil when tls is
// disabled. Errors name the parameter, never its content.
func tlsConfig(cfg scalers.Config, p *params) (*tls.Config, error) {
	if p.TLS != "enable" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: p.UnsafeSSL} // InsecureSkipVerify: unsafeSsl is the user's explicit choice.
	if p.CA != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(p.CA)) {
			return nil, scalers.ParamErrorf(cfg, "ca", "no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	switch {
	case p.Cert == "" && p.Key == "":
		return tc, nil
	case p.Cert == "":
		return nil, scalers.ParamErrorf(cfg, "cert", "%w: key is set, so cert must be too", scalers.ErrMissingParam)
	case p.Key == "":
		return nil, scalers.ParamErrorf(cfg, "key", "%w: cert is set, so key must be too", scalers.ErrMissingParam)
	}
	keyPEM, err := decryptKey([]byte(p.Key), p.KeyPassword)
	if err != nil {
		return nil, scalers.ParamErrorf(cfg, "keyPassword", "%v", err)
	}
	cert, err := tls.X509KeyPair([]byte(p.Cert), keyPEM)
	if err != nil {
		// crypto/tls errors describe the problem, never the key.
		return nil, scalers.ParamErrorf(cfg, "cert", "with key: %v", err)
	}
	tc.Certificates = []tls.Certificate{cert}
	return tc, nil
}

// decryptKey returns keyPEM unchanged when password is empty, and else
// the key decrypted: an encrypted PKCS#8 key ("ENCRYPTED PRIVATE KEY", what
// openssl and current tooling write; KEDA's keyPassword decrypts these with
// github.com/youmark/pkcs8, as here) or a legacy RFC 1423 PEM key
// ("Proc-Type: 4,ENCRYPTED", which KEDA does not decrypt). A key that is
// not encrypted is returned unchanged.
func decryptKey(keyPEM []byte, password string) ([]byte, error) {
	if password == "" {
		return keyPEM, nil
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errNoPEMKey
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" {
		key, err := pkcs8.ParsePKCS8PrivateKey(block.Bytes, []byte(password))
		if err != nil {
			return nil, errBadKeyPassword
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("re-encode decrypted key: %w", err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	//nolint:staticcheck // RFC 1423 keys are insecure but are what some users of keyPassword have.
	if !x509.IsEncryptedPEMBlock(block) {
		return keyPEM, nil
	}
	//nolint:staticcheck // See above: decrypting is the only use.
	der, err := x509.DecryptPEMBlock(block, []byte(password))
	if err != nil {
		return nil, errBadKeyPassword
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
}
