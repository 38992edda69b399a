//go:build integration

package rabbitmq

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/testpki"
	peer "github.com/sluice-dev/sluice/pkg/testpeers/rabbitmq"
)

// TestTLS reads a queue over amqps and https from a broker of its own with
// TLS listeners: with the CA and a client certificate from the
// TriggerAuthentication, with unsafeSsl, and refused without the CA.
func TestTLS(t *testing.T) {
	pki := testpki.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := peer.Start(ctx, peer.Options{Dir: t.TempDir(), TLS: true, ClientCA: pki.CAPEM})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	ch := b.Channel(t, "/")
	if _, err := ch.QueueDeclare("secure", true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	publishOn(t, ch, "secure", 4)

	withCert := map[string]string{"tls": "enable", "ca": b.ServerCA, "cert": pki.ClientCert, "key": pki.ClientKey}
	for _, host := range []string{b.AMQPSURL("/"), b.ManagementTLSURL("/")} {
		scheme := host[:strings.Index(host, ":")]
		t.Run(scheme, func(t *testing.T) {
			tr := trigger(t, nil, map[string]string{"host": host, "queueName": "secure"}, withCert)
			eventually(t, tr, scheme+" with CA and client certificate", func(v, _ float64) bool { return v == 4 })
			unsafe := trigger(t, nil, map[string]string{"host": host, "queueName": "secure", "unsafeSsl": "true"}, nil)
			eventually(t, unsafe, scheme+" with unsafeSsl", func(v, _ float64) bool { return v == 4 })
			strict := trigger(t, nil, map[string]string{"host": host, "queueName": "secure"}, nil)
			_, err := strict.Source.Poll(pollCtx(t))
			if err == nil || !strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), b.Password) {
				t.Fatalf("without the CA: %v, want a certificate error without the password", err)
			}
		})
	}
}
