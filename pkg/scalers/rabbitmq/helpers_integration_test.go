//go:build integration

package rabbitmq

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/sluice-dev/sluice/pkg/scalers"
	peer "github.com/sluice-dev/sluice/pkg/testpeers/rabbitmq"
)

// broker is the package's broker, started once in TestMain.
var broker *peer.Broker

func TestMain(m *testing.M) {
	os.Exit(peer.Main(m, func(b *peer.Broker) { broker = b }))
}

// declare declares the durable queues in vhost and purges them.
func declare(t testing.TB, vhost string, names ...string) {
	t.Helper()
	withChannel(t, vhost, func(ch *amqp.Channel) {
		for _, n := range names {
			if _, err := ch.QueueDeclare(n, true, false, false, false, nil); err != nil {
				t.Fatalf("declare %s: %v", n, err)
			}
			if _, err := ch.QueuePurge(n, false); err != nil {
				t.Fatalf("purge %s: %v", n, err)
			}
		}
	})
}

// publish publishes n persistent messages to queue in vhost.
func publish(t testing.TB, vhost, queue string, n int) {
	t.Helper()
	withChannel(t, vhost, func(ch *amqp.Channel) {
		publishOn(t, ch, queue, n)
	})
}

func publishOn(t testing.TB, ch *amqp.Channel, queue string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range n {
		err := ch.PublishWithContext(ctx, "", queue, false, false, amqp.Publishing{
			DeliveryMode: amqp.Persistent, Body: []byte(fmt.Sprint(i)),
		})
		if err != nil {
			t.Fatalf("publish to %s: %v", queue, err)
		}
	}
}

func withChannel(t testing.TB, vhost string, fn func(*amqp.Channel)) {
	t.Helper()
	ch := broker.Channel(t, vhost)
	if err := ch.Confirm(false); err != nil {
		t.Fatalf("confirm mode: %v", err)
	}
	fn(ch)
}

// trigger builds a trigger from metadata with a private cache.
func trigger(t testing.TB, cache *ConnCache, meta map[string]string, auth map[string]string) *scalers.Trigger {
	t.Helper()
	tr, err := New(cache)(scalers.Config{Type: Type, Metadata: meta, AuthParams: auth})
	if err != nil {
		t.Fatalf("build trigger: %v", err)
	}
	return tr
}

// pollCtx returns a context for one poll, generous for a busy machine.
func pollCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls tr until check accepts the value and activity, or a
// minute has passed; the management API updates its numbers every second.
func eventually(t *testing.T, tr *scalers.Trigger, what string, check func(v, a float64) bool) {
	t.Helper()
	src := tr.Source.(scalers.ActivitySource)
	deadline := time.Now().Add(time.Minute)
	var v, a float64
	var err error
	for time.Now().Before(deadline) {
		v, a, err = src.PollActivity(pollCtx(t))
		if err == nil && check(v, a) {
			return
		}
		waitTick()
	}
	t.Fatalf("%s: last poll %v (activity %v), %v", what, v, a, err)
}

// waitTick paces the condition loops.
func waitTick() { <-time.After(200 * time.Millisecond) }

// uniq returns a name unique in this run.
func uniq(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(fmt.Sprint(time.Now().UnixNano()), "-", "")
}
