//go:build integration

package rabbitmq

import (
	"strings"
	"testing"

	peer "github.com/sluice-dev/sluice/pkg/testpeers/rabbitmq"
)

func TestQueueLength(t *testing.T) {
	q := uniq("length")
	declare(t, "/", q)
	publish(t, "/", q, 5)
	for _, host := range []string{broker.AMQPURL("/"), broker.ManagementURL("/")} {
		tr := trigger(t, nil, map[string]string{"host": host, "queueName": q, "mode": "QueueLength", "value": "2"}, nil)
		eventually(t, tr, host[:4], func(v, a float64) bool { return v == 5 && a == 5 })
	}
}

func TestQueueNotFound(t *testing.T) {
	for _, host := range []string{broker.AMQPURL("/"), broker.ManagementURL("/")} {
		tr := trigger(t, nil, map[string]string{"host": host, "queueName": "no-such-queue"}, nil)
		for range 2 { // the channel the broker closed is opened again
			_, err := tr.Source.Poll(pollCtx(t))
			if err == nil || !strings.Contains(err.Error(), `"no-such-queue": not found in vhost "/"`) {
				t.Fatalf("%s: %v, want not found", host[:4], err)
			}
		}
	}
}

func TestExcludeUnacknowledged(t *testing.T) {
	q := uniq("unacked")
	declare(t, "/", q)
	publish(t, "/", q, 6)
	// Take two messages and hold them unacknowledged until the test ends.
	ch := broker.Channel(t, "/")
	if err := ch.Qos(2, 0, false); err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(q, "", false, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-deliveries
	<-deliveries

	all := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": q}, nil)
	ready := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": q, "excludeUnacknowledged": "true"}, nil)
	amqpTr := trigger(t, nil, map[string]string{"host": broker.AMQPURL("/"), "queueName": q}, nil)
	eventually(t, all, "http, all", func(v, _ float64) bool { return v == 6 })
	eventually(t, ready, "http, ready only", func(v, _ float64) bool { return v == 4 })
	eventually(t, amqpTr, "amqp counts ready only", func(v, _ float64) bool { return v == 4 })
}

func TestRegex(t *testing.T) {
	p := uniq("rx")
	declare(t, "/", p+"-a", p+"-b", p+"-c", "other-"+p)
	publish(t, "/", p+"-a", 1)
	publish(t, "/", p+"-b", 3)
	publish(t, "/", p+"-c", 2)
	publish(t, "/", "other-"+p, 50)
	tests := []struct {
		op, pageSize string
		want         float64
	}{
		{"sum", "100", 6}, {"max", "100", 3}, {"avg", "100", 2},
		{"sum", "1", 6}, // three pages
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.pageSize, func(t *testing.T) {
			tr := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": "^" + p + "-",
				"useRegex": "true", "operation": tt.op, "pageSize": tt.pageSize}, nil)
			eventually(t, tr, tt.op, func(v, _ float64) bool { return v == tt.want })
		})
	}
	none := trigger(t, nil, map[string]string{"host": broker.ManagementURL("/"), "queueName": "^nothing-matches-" + p, "useRegex": "true"}, nil)
	if v, err := none.Source.Poll(pollCtx(t)); err != nil || v != 0 {
		t.Fatalf("no match: %v, %v; want 0 as KEDA", v, err)
	}
}

func TestVhost(t *testing.T) {
	vh := uniq("sluice vh")
	if err := broker.AddVhost(pollCtx(t), vh); err != nil {
		t.Fatal(err)
	}
	q := uniq("vq")
	declare(t, vh, q)
	publish(t, vh, q, 3)
	hosts := []map[string]string{
		{"host": broker.AMQPURL(vh)},
		{"host": broker.AMQPURL("/"), "vhostName": vh},
		{"host": broker.ManagementURL(vh)},
		{"host": broker.ManagementURL(""), "vhostName": vh},
	}
	for _, m := range hosts {
		m["queueName"] = q
		tr := trigger(t, nil, m, nil)
		eventually(t, tr, m["host"][:4]+" "+m["vhostName"], func(v, _ float64) bool { return v == 3 })
	}
	// The queue is not in the default vhost.
	tr := trigger(t, nil, map[string]string{"host": broker.AMQPURL("/"), "queueName": q}, nil)
	if _, err := tr.Source.Poll(pollCtx(t)); err == nil {
		t.Fatal("queue found in the default vhost")
	}
}

func TestWrongPassword(t *testing.T) {
	const wrong = "wrong-pass-6c1f"
	q := uniq("auth")
	declare(t, "/", q)
	for _, host := range []string{broker.AMQPURL("/"), broker.ManagementURL("/")} {
		bad := strings.Replace(host, broker.Password, wrong, 1)
		for name, tr := range map[string]map[string]string{
			"in host": {"host": bad, "queueName": q},
			"in auth": {"host": host, "queueName": q},
		} {
			auth := map[string]string(nil)
			if name == "in auth" {
				auth = map[string]string{"username": peer.User, "password": wrong}
			}
			_, err := trigger(t, nil, tr, auth).Source.Poll(pollCtx(t))
			if err == nil {
				t.Fatalf("%s %s: no error", host[:4], name)
			}
			msg := err.Error()
			t.Logf("%s %s: %s", host[:4], name, msg)
			if strings.Contains(msg, wrong) || strings.Contains(msg, broker.Password) {
				t.Fatalf("error shows a password: %s", msg)
			}
			if !strings.Contains(msg, "403") && !strings.Contains(msg, "401") {
				t.Fatalf("error does not say access was refused: %s", msg)
			}
		}
	}
}
