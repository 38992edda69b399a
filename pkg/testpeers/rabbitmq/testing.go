package rabbitmq

import (
	"context"
	"fmt"
	"os"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// New starts a broker for a test and stops it in t.Cleanup. It fails the
// test when the broker is not installed (run hack/peers/rabbitmq.sh) or
// cannot start: a missing peer must not pass as a skipped test. A broker
// takes 10 to 30 seconds to start; packages with many tests share one
// through Main.
func New(t testing.TB) *Broker {
	t.Helper()
	opts := Options{Dir: t.TempDir(), Logf: t.Logf}
	return testenv.StartPeer(t, "rabbitmq", func(ctx context.Context) (*Broker, error) { return Start(ctx, opts) })
}

// Main starts one broker for a test package, hands it to set (which stores
// it for the tests), runs the tests and stops the broker. Call it from
// TestMain and pass its result to os.Exit. A broker that cannot start
// fails the run.
func Main(m *testing.M, set func(*Broker)) int {
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	b, err := Start(context.Background(), Options{Logf: logf})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start rabbitmq: %v\n", err)
		return 1
	}
	defer b.Stop()
	set(b)
	return m.Run()
}

// Channel opens an AMQP channel to vhost on a connection of its own,
// closed in t.Cleanup, and fails the test when it cannot.
func (b *Broker) Channel(t testing.TB, vhost string) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(b.AMQPURL(vhost))
	if err != nil {
		t.Fatalf("dial rabbitmq vhost %q: %v", vhost, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatalf("open a channel on vhost %q: %v", vhost, err)
	}
	return ch
}
