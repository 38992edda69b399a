package rabbitmq

import (
	"crypto/tls"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clienttls"
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
	m := clienttls.Material{UnsafeSSL: p.UnsafeSSL}
	if enabled {
		m.CA, m.Cert, m.Key, m.KeyPassword = p.CA, p.Cert, p.Key, p.KeyPassword
	}
	return m.Config(cfg)
}
