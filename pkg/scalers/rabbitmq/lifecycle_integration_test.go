//go:build integration

package rabbitmq

import (
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestMessageRate(t *testing.T) {
	q := uniq("rate")
	declare(t, "/", q)
	rate := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": q, "mode": "MessageRate", "value": "10"}, nil)
	ratio := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": q,
		"mode": "PublishedToDeliveredRatio", "value": "1", "activationValue": "0.5"}, nil)
	if v, a, err := rate.Source.(*source).PollActivity(pollCtx(t)); err != nil || v != 0 || a != 0 {
		t.Fatalf("before publishing: %v, %v, %v", v, a, err)
	}
	// Publish 20 messages a second until the test ends.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	withChannel(t, "/", func(*amqp.Channel) {}) // the broker is reachable
	go func() {
		defer close(done)
		conn, err := amqp.Dial(broker.AMQPURL("/"))
		if err != nil {
			return
		}
		defer func() { _ = conn.Close() }()
		ch, err := conn.Channel()
		if err != nil {
			return
		}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = ch.PublishWithContext(ctx, "", q, false, false, amqp.Publishing{Body: []byte("m")})
			}
		}
	}()
	// The management API averages over its samples: wait for the rate to
	// settle near 20/s (a busy machine publishes a little late).
	eventually(t, rate, "publish rate", func(v, a float64) bool { return v >= 12 && v <= 24 && a >= v })
	// Published with nothing delivered: the ratio serves activationValue
	// and is active, as KEDA.
	eventually(t, ratio, "ratio", func(v, a float64) bool { return v == 0.5 && a > 1e300 })
}

func TestBrokerStopAndRestart(t *testing.T) {
	q := uniq("restart")
	declare(t, "/", q)
	publish(t, "/", q, 3)
	var trs []*source
	for _, host := range []string{broker.AMQPURL("/"), broker.ManagementURL("/")} {
		tr := trigger(t, nil, map[string]string{"host": host, "queueName": q}, nil)
		eventually(t, tr, "before stop "+host[:4], func(v, _ float64) bool { return v == 3 })
		trs = append(trs, tr.Source.(*source))
	}
	broker.StopBroker()
	t.Cleanup(func() {
		if !broker.Running() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			_ = broker.Restart(ctx)
		}
	})
	for _, s := range trs {
		v, err := s.Poll(pollCtx(t))
		if err == nil {
			t.Fatalf("%s: poll with the broker stopped gave %v and no error", s.t.protocol, v)
		}
		t.Logf("%s, broker stopped: %v", s.t.protocol, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := broker.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	// The same sources recover: the durable queue kept its persistent
	// messages, and the dead connection is replaced.
	deadline := time.Now().Add(time.Minute)
	for _, s := range trs {
		for {
			v, err := s.Poll(pollCtx(t))
			if err == nil && v == 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s after restart: %v, %v", s.t.protocol, v, err)
			}
			waitTick()
		}
	}
}

func TestConnectionSharedAndReleased(t *testing.T) {
	a, b := uniq("share-a"), uniq("share-b")
	declare(t, "/", a, b)
	cache := NewConnCache()
	pollBoth(t, cache, a, b)
	// Both triggers are dropped: the connection is closed once they are
	// garbage.
	deadline := time.Now().Add(time.Minute)
	for cache.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections cached after every trigger was dropped", cache.Len())
		}
		runtime.GC()
		waitTick()
	}
	waitConnections(t, 0)
}

// pollBoth builds triggers for queues a and b of one broker, checks that
// they share one connection, also after a cancelled poll, and drops them.
func pollBoth(t *testing.T, cache *ConnCache, a, b string) {
	build := func(q string) *source {
		return trigger(t, cache, map[string]string{"host": broker.AMQPURL("/"), "queueName": q}, nil).Source.(*source)
	}
	sa, sb := build(a), build(b)
	if cache.Len() != 1 {
		t.Fatalf("%d connections cached for one broker, want 1", cache.Len())
	}
	for _, s := range []*source{sa, sb, sa} {
		if _, err := s.Poll(pollCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	waitConnections(t, 1)
	// A poll that is cancelled leaves no half-open connection: the next
	// one dials again.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sa.Poll(ctx); err == nil {
		t.Fatal("poll with a cancelled context succeeded")
	}
	if _, err := sb.Poll(pollCtx(t)); err != nil {
		t.Fatalf("poll after a cancelled one: %v", err)
	}
	waitConnections(t, 1)
	runtime.KeepAlive(sa)
	runtime.KeepAlive(sb)
}

// waitConnections waits until the broker lists n connections named
// sluice-adapter. It collects garbage meanwhile, so that the connections
// of triggers other tests dropped are closed; the caller keeps its own
// sources alive.
func waitConnections(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	got := -1
	for time.Now().Before(deadline) {
		runtime.GC()
		code, body, err := broker.ManagementGet(pollCtx(t), "/api/connections")
		if err == nil && code == http.StatusOK {
			var conns []struct {
				ClientProperties struct {
					ConnectionName string `json:"connection_name"`
				} `json:"client_properties"`
			}
			if json.Unmarshal(body, &conns) == nil {
				got = 0
				for _, c := range conns {
					if c.ClientProperties.ConnectionName == "sluice-adapter" {
						got++
					}
				}
				if got == n {
					return
				}
			}
		}
		waitTick()
	}
	t.Fatalf("broker lists %d sluice connections, want %d", got, n)
}

func BenchmarkPoll(b *testing.B) {
	q := uniq("bench")
	declare(b, "/", q)
	publish(b, "/", q, 10)
	for _, host := range []string{broker.AMQPURL("/"), broker.ManagementURL("/")} {
		b.Run(host[:4], func(b *testing.B) {
			src := trigger(b, nil, map[string]string{"host": host, "queueName": q}, nil).Source
			ctx := context.Background()
			if _, err := src.Poll(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := src.Poll(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHungBroker: a poll against a broker that stops answering ends at its
// timeout and tears the connection down; once the broker answers again the
// next poll dials afresh, and the broker sees one connection, not a
// half-open one beside it.
func TestHungBroker(t *testing.T) {
	q := uniq("hung")
	declare(t, "/", q)
	cache := NewConnCache()
	src := trigger(t, cache, map[string]string{"host": broker.AMQPURL("/"), "queueName": q, "timeout": "2s"}, nil).Source
	if _, err := src.Poll(pollCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := broker.Freeze(); err != nil {
		t.Fatal(err)
	}
	thawed := false
	t.Cleanup(func() {
		if !thawed {
			_ = broker.Thaw()
		}
	})
	start := time.Now()
	_, err := src.Poll(pollCtx(t))
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("poll of a hung broker: %v, want the timeout", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("poll of a hung broker took %v, want about the 2s timeout", took)
	}
	if err := broker.Thaw(); err != nil {
		t.Fatal(err)
	}
	thawed = true
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := src.Poll(pollCtx(t))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after thaw: %v", err)
		}
		waitTick()
	}
	waitConnections(t, 1)
	runtime.KeepAlive(src)
}
