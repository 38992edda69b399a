package kafka

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

func TestPollSASL(t *testing.T) {
	k := newCluster(t,
		[]kfake.Opt{
			kfake.EnableSASL(),
			kfake.Superuser("PLAIN", "plainuser", "plain-secret"),
			kfake.Superuser("SCRAM-SHA-256", "scram256", "s256-secret"),
			kfake.Superuser("SCRAM-SHA-512", "scram512", "s512-secret"),
		},
		[]kgo.Opt{kgo.SASL(plain.Auth{User: "plainuser", Pass: "plain-secret"}.AsMechanism())},
		"secure")
	k.produce("secure", 0, 4)
	k.commit("g", "secure", 0, 1)

	tests := []struct {
		name, mode, user, pass string
		wantErr                bool
	}{
		{name: "plain", mode: "plaintext", user: "plainuser", pass: "plain-secret"},
		{name: "scram-sha-256", mode: "scram_sha256", user: "scram256", pass: "s256-secret"},
		{name: "scram-sha-512", mode: "scram_sha512", user: "scram512", pass: "s512-secret"},
		// A Secret made with echo: KEDA trims every value, so does Decode.
		{name: "values with trailing newlines", mode: "scram_sha512\n", user: "scram512\n", pass: "s512-secret\n"},
		{name: "wrong password", mode: "scram_sha256", user: "scram256", pass: "hunter2-wrong", wantErr: true},
		{name: "no sasl", mode: "none", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Type: Type,
				Metadata:   map[string]string{"bootstrapServers": k.brokers, "consumerGroup": "g", "topic": "secure", "scaleToZeroOnInvalidOffset": "true"},
				AuthParams: map[string]string{"sasl": tt.mode, "username": tt.user, "password": tt.pass},
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			v, err := tr.Source.Poll(ctx)
			switch {
			case tt.wantErr && err == nil:
				t.Fatalf("got %v, want an error", v)
			case tt.wantErr && strings.Contains(err.Error(), "hunter2"):
				t.Fatalf("error shows the password: %v", err)
			case !tt.wantErr && err != nil:
				t.Fatal(err)
			case !tt.wantErr && v != 3:
				t.Fatalf("got %v, want 3", v)
			}
		})
	}
}
