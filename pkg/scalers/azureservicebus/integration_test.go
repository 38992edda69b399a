//go:build integration

package azureservicebus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	sbpeer "github.com/sluice-dev/sluice/pkg/testpeers/servicebus"
)

// peerTrigger builds a trigger on conn whose clients trust the peer's CA.
func peerTrigger(t testing.TB, p *sbpeer.Peer, conn string, meta map[string]string) *scalers.Trigger {
	t.Helper()
	tr, err := New(NewClientCache(p.CertPool()))(scalers.Config{Type: Type, Metadata: meta,
		AuthParams: map[string]string{"connection": conn}})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func poll(t *testing.T, tr *scalers.Trigger) (float64, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return tr.Source.Poll(ctx)
}

// TestPollThroughTheSDK reads queues and subscriptions of the peer with
// the unmodified admin client, as the counts change.
func TestPollThroughTheSDK(t *testing.T) {
	p := sbpeer.New(t, sbpeer.Options{})
	p.SetQueue("orders", sbpeer.Counts{Active: 7, DeadLetter: 3, Scheduled: 2})
	p.SetSubscription("events", "billing", sbpeer.Counts{Active: 4, Transfer: 5})
	for i, n := range []int32{1, 6, 2} {
		p.SetQueue("jobs-"+string(rune('a'+i)), sbpeer.Counts{Active: n})
		p.SetSubscription("events", "eu-"+string(rune('a'+i)), sbpeer.Counts{Active: 10 * n})
	}
	for i := range 130 { // more than one listing page of 100
		p.SetQueue("bulk-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26)), sbpeer.Counts{Active: 1})
	}
	tests := []struct {
		name string
		meta map[string]string
		want float64
	}{
		{"queue", map[string]string{"queueName": "orders"}, 7},
		{"subscription", map[string]string{"topicName": "events", "subscriptionName": "billing"}, 4},
		{"queue regex sum", map[string]string{"queueName": "jobs-.*", "useRegex": "true"}, 9},
		{"queue regex max", map[string]string{"queueName": "jobs-.*", "useRegex": "true", "operation": "max"}, 6},
		{"queue regex avg", map[string]string{"queueName": "jobs-.*", "useRegex": "true", "operation": "avg"}, 3},
		{"regex across pages", map[string]string{"queueName": "bulk-.*", "useRegex": "true"}, 130},
		{"subscription regex sum", map[string]string{"topicName": "events", "subscriptionName": "eu-.*", "useRegex": "true", "operation": "sum"}, 90},
		{"subscription regex max", map[string]string{"topicName": "events", "subscriptionName": "eu-.*", "useRegex": "true", "operation": "max"}, 60},
		{"subscription regex avg", map[string]string{"topicName": "events", "subscriptionName": "eu-.*", "useRegex": "true", "operation": "avg"}, 30},
		{"regex without match", map[string]string{"queueName": "none-.*", "useRegex": "true"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := poll(t, peerTrigger(t, p, p.ConnectionString(), tt.meta))
			if err != nil || got != tt.want {
				t.Fatalf("Poll = %v, %v; want %v", got, err, tt.want)
			}
		})
	}

	tr := peerTrigger(t, p, p.ConnectionString(), map[string]string{"queueName": "orders"})
	p.SetQueue("orders", sbpeer.Counts{Active: 42})
	if got, err := poll(t, tr); err != nil || got != 42 {
		t.Fatalf("after the count changed: %v, %v", got, err)
	}

	// The development emulator form: the SDK's admin client still speaks
	// HTTPS to the endpoint; the trigger carries a warning.
	emu := "Endpoint=sb://" + p.Addr() + ";SharedAccessKeyName=" + sbpeer.KeyName + ";SharedAccessKey=" + p.Key() + ";UseDevelopmentEmulator=true"
	tr = peerTrigger(t, p, emu, map[string]string{"queueName": "orders"})
	if !strings.Contains(tr.Warning, "local Service Bus") {
		t.Errorf("warning %q", tr.Warning)
	}
	if got, err := poll(t, tr); err != nil || got != 42 {
		t.Fatalf("emulator connection string: %v, %v", got, err)
	}
}

// TestPollFailuresThroughTheSDK checks that a missing entity, a wrong key and a namespace
// out of reach fail the poll with a clear error that holds no secret, and
// that polls recover when the namespace is back.
func TestPollFailuresThroughTheSDK(t *testing.T) {
	p := sbpeer.New(t, sbpeer.Options{})
	p.SetQueue("orders", sbpeer.Counts{Active: 7})
	p.SetSubscription("events", "billing", sbpeer.Counts{Active: 1})
	wrongKey := "d3JvbmctYnV0LXdlbGwtZm9ybWVkLWtleS1mb3ItdGVzdHM="
	tests := []struct {
		name  string
		conn  string
		meta  map[string]string
		want  string
		found bool
	}{
		{"missing queue", p.ConnectionString(), map[string]string{"queueName": "nope"}, `queue "nope" in namespace ` + p.Addr() + ": not found", true},
		{"missing subscription", p.ConnectionString(), map[string]string{"topicName": "events", "subscriptionName": "nope"}, `subscription "nope" of topic "events"`, true},
		{"missing topic for regex", p.ConnectionString(), map[string]string{"topicName": "nope", "subscriptionName": ".*", "useRegex": "true"}, `topic "nope" in namespace ` + p.Addr() + ": 404", true},
		{"wrong key", p.ConnectionStringWithKey(wrongKey), map[string]string{"queueName": "orders"}, "the credential was refused (401 Unauthorized): check the shared access key", false},
		{"wrong key listing", p.ConnectionStringWithKey(wrongKey), map[string]string{"queueName": ".*", "useRegex": "true"}, "401 Unauthorized", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := poll(t, peerTrigger(t, p, tt.conn, tt.meta))
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrEntityNotFound) != tt.found {
				t.Fatalf("Poll = %v, %v; want an error saying %q (not found: %v)", got, err, tt.want, tt.found)
			}
			for _, secret := range []string{p.Key(), wrongKey, "SharedAccessKey=", "sig="} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error holds a secret: %v", err)
				}
			}
		})
	}

	tr := peerTrigger(t, p, p.ConnectionString(), map[string]string{"queueName": "orders"})
	if got, err := poll(t, tr); err != nil || got != 7 {
		t.Fatalf("before the outage: %v, %v", got, err)
	}
	p.Stop()
	got, err := poll(t, tr)
	if err == nil {
		t.Fatalf("namespace down: Poll = %v, want an error", got)
	}
	if !strings.Contains(err.Error(), "namespace "+p.Addr()) || strings.Contains(err.Error(), p.Key()) {
		t.Fatalf("namespace down: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	p.SetQueue("orders", sbpeer.Counts{Active: 8})
	if got, err := poll(t, tr); err != nil || got != 8 {
		t.Fatalf("after recovery: %v, %v", got, err)
	}
}

// TestUntrustedCertificate checks that the system's roots do not trust
// the peer: TLS is verified, never skipped.
func TestUntrustedCertificate(t *testing.T) {
	p := sbpeer.New(t, sbpeer.Options{})
	p.SetQueue("orders", sbpeer.Counts{Active: 7})
	tr, err := New(NewClientCache(nil))(scalers.Config{Type: Type, Metadata: map[string]string{"queueName": "orders"},
		AuthParams: map[string]string{"connection": p.ConnectionString()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := poll(t, tr); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Poll error %v, want a certificate error", err)
	}
}

// BenchmarkPoll measures one poll of a queue and of a regex over 50 queues,
// through the SDK and TLS against the peer.
func BenchmarkPoll(b *testing.B) {
	p := sbpeer.New(b, sbpeer.Options{})
	p.SetQueue("orders", sbpeer.Counts{Active: 7})
	for i := range 50 {
		p.SetQueue("jobs-"+string(rune('a'+i%26))+string(rune('a'+i/26)), sbpeer.Counts{Active: int32(i)})
	}
	for name, meta := range map[string]map[string]string{
		"queue": {"queueName": "orders"},
		"regex": {"queueName": "jobs-.*", "useRegex": "true"},
	} {
		b.Run(name, func(b *testing.B) {
			tr := peerTrigger(b, p, p.ConnectionString(), meta)
			ctx := context.Background()
			for b.Loop() {
				if _, err := tr.Source.Poll(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
