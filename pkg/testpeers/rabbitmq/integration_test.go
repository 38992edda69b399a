//go:build integration

package rabbitmq

import (
	"context"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestStartStop(t *testing.T) {
	start := time.Now()
	b, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Stop)
	t.Logf("node %s: amqp %d, management %d, epmd %d, dist %d; started in %v", b.Node,
		b.AMQPPort, b.ManagementPort, b.EPMDPort, b.DistPort, time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	conn, err := amqp.Dial(b.AMQPURL("/"))
	if err != nil {
		t.Fatalf("amqp dial: %v", err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare("peer", false, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	if code, body, err := b.ManagementGet(ctx, "/api/queues/%2F/peer"); err != nil || code != http.StatusOK {
		t.Fatalf("management: %d %s %v", code, body, err)
	}
	if err := b.AddVhost(ctx, "other vhost"); err != nil {
		t.Fatal(err)
	}
	if conn, err := amqp.Dial(b.AMQPURL("other vhost")); err != nil {
		t.Fatalf("dial other vhost: %v", err)
	} else {
		_ = conn.Close()
	}
	if len(NodeProcesses(b.Node)) == 0 {
		t.Fatal("NodeProcesses finds no process of the running node")
	}

	dir := b.Dir
	b.Stop()
	b.Stop() // idempotent
	for _, port := range []int{b.AMQPPort, b.ManagementPort, b.EPMDPort, b.DistPort} {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
			_ = c.Close()
			t.Errorf("port %d still open after Stop", port)
		}
	}
	if pids := NodeProcesses(b.Node); len(pids) != 0 {
		t.Errorf("processes %v of the node left after Stop", pids)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dir %s left after Stop: %v", dir, err)
	}
}

func TestRestart(t *testing.T) {
	b := New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b.StopBroker()
	if b.Running() {
		t.Fatal("running after StopBroker")
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(b.AMQPPort)), time.Second); err == nil {
		_ = c.Close()
		t.Fatal("amqp port open after StopBroker")
	}
	if err := b.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := amqp.Dial(b.AMQPURL(""))
	if err != nil {
		t.Fatalf("dial after restart: %v", err)
	}
	_ = conn.Close()
}

func TestStartCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, Options{Dir: t.TempDir()}); err == nil {
		t.Fatal("Start with a canceled context succeeded")
	}
}
