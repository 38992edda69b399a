package rabbitmq

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// writeTLS writes a serving certificate for the TLS listeners and the CA
// bundle they trust for client certificates.
func (b *Broker) writeTLS() error {
	dir := filepath.Join(b.Dir, "tls")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create tls dir: %w", err)
	}
	cert, err := testenv.NewServingCert(dir)
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	b.ServerCA = string(cert.CABundle)
	b.tlsCert, b.tlsKey = cert.CertFile, cert.KeyFile
	bundle := string(cert.CABundle) + "\n" + b.clientCA
	if err := os.WriteFile(filepath.Join(dir, "cacerts.pem"), []byte(bundle), 0o600); err != nil {
		return fmt.Errorf("write ca bundle: %w", err)
	}
	return nil
}

// tlsConfig returns the configuration lines of the TLS listeners: they ask
// for a client certificate and accept connections without one.
func (b *Broker) tlsConfig() string {
	dir := filepath.Join(b.Dir, "tls")
	files := fmt.Sprintf("cacertfile = %s\n%%[1]s.certfile = %s\n%%[1]s.keyfile = %s\n%%[1]s.verify = verify_peer\n%%[1]s.fail_if_no_peer_cert = false\n",
		filepath.Join(dir, "cacerts.pem"), b.tlsCert, b.tlsKey)
	return "listeners.ssl.1 = 127.0.0.1:" + strconv.Itoa(b.AMQPSPort) + "\n" +
		"ssl_options." + fmt.Sprintf(files, "ssl_options") +
		"management.ssl.ip = 127.0.0.1\n" +
		"management.ssl.port = " + strconv.Itoa(b.ManagementTLSPort) + "\n" +
		"management.ssl." + fmt.Sprintf(files, "management.ssl")
}

// AMQPSURL returns amqps://User:Password@127.0.0.1:<port>/<vhost>, as
// AMQPURL; "" without Options.TLS.
func (b *Broker) AMQPSURL(vhost string) string {
	if b.AMQPSPort == 0 {
		return ""
	}
	return b.url("amqps", b.AMQPSPort, vhost)
}

// ManagementTLSURL returns https://User:Password@127.0.0.1:<port>/<vhost>,
// as ManagementURL; "" without Options.TLS.
func (b *Broker) ManagementTLSURL(vhost string) string {
	if b.ManagementTLSPort == 0 {
		return ""
	}
	return b.url("https", b.ManagementTLSPort, vhost)
}
