package kafka

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
)

func TestNewValidation(t *testing.T) {
	base := func(kv ...string) map[string]string {
		return scalertest.With(map[string]string{"bootstrapServers": "127.0.0.1:9092", "consumerGroup": "g", "topic": "t"}, kv...)
	}
	tests := []scalertest.Case{
		{Name: "minimal", Meta: base()},
		{Name: "no servers", Meta: map[string]string{"consumerGroup": "g"}, Err: `parameter "bootstrapServers": required`, Missing: true},
		{Name: "blank servers", Meta: base("bootstrapServers", " , "), Err: `parameter "bootstrapServers"`, Missing: true},
		{Name: "no group", Meta: map[string]string{"bootstrapServers": "127.0.0.1:9092"}, Err: `parameter "consumerGroup": required`, Missing: true},
		{Name: "zero lagThreshold", Meta: base("lagThreshold", "0"), Err: `parameter "lagThreshold": want a number greater than 0`},
		{Name: "negative activation", Meta: base("activationLagThreshold", "-1"), Err: `parameter "activationLagThreshold"`},
		{Name: "bad reset policy", Meta: base("offsetResetPolicy", "none"), Err: `parameter "offsetResetPolicy"`},
		{Name: "idle and limit", Meta: base("allowIdleConsumers", "true", "limitToPartitionsWithLag", "true"), Err: `cannot be true together with allowIdleConsumers`},
		{Name: "limit without topic", Meta: base("topic", "", "limitToPartitionsWithLag", "true"), Err: `parameter "limitToPartitionsWithLag": needs topic`},
		{Name: "bad partitions", Meta: base("partitionLimitation", "1,5-2"), Err: `parameter "partitionLimitation": element "5-2": range end is below its start`},
		{Name: "partitions without topic", Meta: base("topic", "", "partitionLimitation", "1"), Warning: "partitionLimitation is ignored"},
		{Name: "gssapi", Meta: base(), Auth: map[string]string{"sasl": "gssapi"}, Err: `parameter "sasl": mode "gssapi" is not supported`},
		{Name: "scram without password", Meta: base(), Auth: map[string]string{"sasl": "scram_sha512", "username": "u"}, Err: `parameter "password": required but not set for sasl scram_sha512`, Missing: true},
		{Name: "password in metadata is ignored", Meta: base("sasl", "plaintext", "username", "u", "password", "p"), Err: `parameter "username"`, Missing: true},
		{Name: "plain without tls warns", Meta: base(), Auth: map[string]string{"sasl": "plaintext", "username": "u", "password": "p"}, Warning: "without TLS"},
		{Name: "bad tls", Meta: base("tls", "yes"), Err: `parameter "tls"`},
		{Name: "tls bad ca", Meta: base("tls", "enable"), Auth: map[string]string{"ca": "hunter2"}, Err: `parameter "ca": no PEM certificate found`},
		{Name: "tls cert without key", Meta: base("tls", "enable"), Auth: map[string]string{"cert": "hunter2"}, Err: `parameter "key": required`, Missing: true},
		{Name: "tls garbage pair", Meta: base("tls", "enable"), Auth: map[string]string{"cert": "hunter2c", "key": "hunter2k"}, Err: `parameter "cert": with key`},
		{Name: "tls unsafe warns", Meta: base("tls", "enable", "unsafeSsl", "true"), Warning: "unsafeSsl"},
	}
	scalertest.CheckCases(t, New(nil), scalers.Config{Index: 2, Type: Type}, scalertest.Build{Trigger: "trigger 2 (kafka)", Secret: "hunter2"}, tests)
}

func TestTriggerShape(t *testing.T) {
	build := func(meta, auth map[string]string) *scalers.Trigger {
		t.Helper()
		m := map[string]string{"bootstrapServers": "127.0.0.1:9092,127.0.0.1:9093", "consumerGroup": "orders-g"}
		for k, v := range meta {
			m[k] = v
		}
		tr, err := New(nil)(scalers.Config{Type: Type, Metadata: m, AuthParams: auth})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	withTopic := build(map[string]string{"topic": "orders", "lagThreshold": "50", "activationLagThreshold": "3"}, nil)
	if withTopic.MetricName != "kafka-orders" || withTopic.Target != 50 || withTopic.ActivationTarget != 3 {
		t.Fatalf("got %q target %v activation %v", withTopic.MetricName, withTopic.Target, withTopic.ActivationTarget)
	}
	if got := build(nil, nil).MetricName; got != "kafka-orders-g-topics" {
		t.Fatalf("metric name without topic: %q", got)
	}
	a := build(nil, map[string]string{"sasl": "plaintext", "username": "u", "password": "hunter2"})
	b := build(nil, map[string]string{"sasl": "plaintext", "username": "u", "password": "other"})
	if a.Key == b.Key || strings.Contains(a.Key, "hunter2") {
		t.Fatalf("keys must differ by credential and hide it: %q", a.Key)
	}
	if first, second := build(nil, nil), build(nil, nil); first.Key != second.Key {
		t.Fatal("equal triggers must have equal keys")
	}
	if build(map[string]string{"topic": "x", "partitionLimitation": "1,2"}, nil).Key == build(map[string]string{"topic": "x"}, nil).Key {
		t.Fatal("partitionLimitation must change the key")
	}
}

func TestClientCacheShares(t *testing.T) {
	cache := NewClientCache(1)
	mk := func(pass string) *scalers.Trigger {
		tr, err := New(cache)(scalers.Config{Type: Type,
			Metadata:   map[string]string{"bootstrapServers": "127.0.0.1:1", "consumerGroup": "g", "topic": "a"},
			AuthParams: map[string]string{"sasl": "scram_sha256", "username": "u", "password": pass}})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	first, err := mk("p1").Source.(*source).get()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := mk("p1").Source.(*source).get()
	if first != again || cache.Len() != 1 {
		t.Fatal("same cluster and credentials must share a client")
	}
	other, _ := mk("p2").Source.(*source).get()
	if other == first || cache.Len() != 1 {
		t.Fatal("other credentials need another client; the cache keeps its size")
	}
}
