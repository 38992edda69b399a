package rabbitmq

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// tlsConfig builds the TLS configuration for an amqps:// or https:// host,
// or nil for a plain one. tls: enable adds the CA bundle and the client
// certificate, and needs a TLS scheme. Errors name the parameter, never
// its content.
func tlsConfig(cfg scalers.Config, p *params, tlsScheme func() bool) (*tls.Config, error) {
	enabled := p.TLS == "enable"
	if !tlsScheme() {
		if enabled {
			return nil, scalers.ParamErrorf(cfg, "tls", "enable needs an amqps:// or https:// host")
		}
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: p.UnsafeSSL} //nolint:gosec // unsafeSsl is the user's explicit choice
	if !enabled {
		return tc, nil
	}
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

// decryptKey returns keyPEM as is without a password, else the key
// decrypted from legacy PEM encryption (RFC 1423), the form KEDA's
// keyPassword reads.
func decryptKey(keyPEM []byte, password string) ([]byte, error) {
	if password == "" {
		return keyPEM, nil
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("key holds no PEM block")
	}
	//nolint:staticcheck // RFC 1423 keys are weak, but they are what keyPassword is for.
	if !x509.IsEncryptedPEMBlock(block) {
		return keyPEM, nil
	}
	//nolint:staticcheck // see above
	der, err := x509.DecryptPEMBlock(block, []byte(password))
	if err != nil {
		return nil, errors.New("cannot decrypt key with it")
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
}
