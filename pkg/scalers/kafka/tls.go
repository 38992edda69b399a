package kafka

import (
	"crypto/tls"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clienttls"
)

// tlsConfig builds the client TLS configuration for p, or nil when tls is
// disabled. Errors name the parameter, never its content.
func tlsConfig(cfg scalers.Config, p *params) (*tls.Config, error) {
	if p.TLS != "enable" {
		return nil, nil
	}
	m := clienttls.Material{UnsafeSSL: p.UnsafeSSL, CA: p.CA, Cert: p.Cert, Key: p.Key, KeyPassword: p.KeyPassword}
	return m.Config(cfg)
}
