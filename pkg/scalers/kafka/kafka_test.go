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
	tests := []struct {
		name        string
		meta        map[string]string
		auth        map[string]string
		wantErr     string
		missing     bool
		wantWarning string
	}{
		{name: "minimal", meta: base()},
		{name: "no servers", meta: map[string]string{"consumerGroup": "g"}, wantErr: `parameter "bootstrapServers": required`, missing: true},
		{name: "blank servers", meta: base("bootstrapServers", " , "), wantErr: `parameter "bootstrapServers"`, missing: true},
		{name: "no group", meta: map[string]string{"bootstrapServers": "127.0.0.1:9092"}, wantErr: `parameter "consumerGroup": required`, missing: true},
		{name: "zero lagThreshold", meta: base("lagThreshold", "0"), wantErr: `parameter "lagThreshold": want a number greater than 0`},
		{name: "negative activation", meta: base("activationLagThreshold", "-1"), wantErr: `parameter "activationLagThreshold"`},
		{name: "bad reset policy", meta: base("offsetResetPolicy", "none"), wantErr: `parameter "offsetResetPolicy"`},
		{name: "idle and limit", meta: base("allowIdleConsumers", "true", "limitToPartitionsWithLag", "true"), wantErr: `cannot be true together with allowIdleConsumers`},
		{name: "limit without topic", meta: base("topic", "", "limitToPartitionsWithLag", "true"), wantErr: `parameter "limitToPartitionsWithLag": needs topic`},
		{name: "bad partitions", meta: base("partitionLimitation", "1,5-2"), wantErr: `parameter "partitionLimitation": element "5-2": range end is below its start`},
		{name: "partitions without topic", meta: base("topic", "", "partitionLimitation", "1"), wantWarning: "partitionLimitation is ignored"},
		{name: "gssapi", meta: base(), auth: map[string]string{"sasl": "gssapi"}, wantErr: `parameter "sasl": mode "gssapi" is not supported`},
		{name: "scram without password", meta: base(), auth: map[string]string{"sasl": "scram_sha512", "username": "u"}, wantErr: `parameter "password": required but not set for sasl scram_sha512`, missing: true},
		{name: "password in metadata is ignored", meta: base("sasl", "plaintext", "username", "u", "password", "p"), wantErr: `parameter "username"`, missing: true},
		{name: "plain without tls warns", meta: base(), auth: map[string]string{"sasl": "plaintext", "username": "u", "password": "p"}, wantWarning: "without TLS"},
		{name: "bad tls", meta: base("tls", "yes"), wantErr: `parameter "tls"`},
		{name: "tls bad ca", meta: base("tls", "enable"), auth: map[string]string{"ca": "hunter2"}, wantErr: `parameter "ca": no PEM certificate found`},
		{name: "tls cert without key", meta: base("tls", "enable"), auth: map[string]string{"cert": "hunter2"}, wantErr: `parameter "key": required`, missing: true},
		{name: "tls garbage pair", meta: base("tls", "enable"), auth: map[string]string{"cert": "hunter2c", "key": "hunter2k"}, wantErr: `parameter "cert": with key`},
		{name: "tls unsafe warns", meta: base("tls", "enable", "unsafeSsl", "true"), wantWarning: "unsafeSsl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(nil)(scalers.Config{Index: 2, Type: Type, Metadata: tt.meta, AuthParams: tt.auth})
			want := scalertest.Build{Trigger: "trigger 2 (kafka)", Err: tt.wantErr, Missing: tt.missing, Secret: "hunter2", Warning: tt.wantWarning}
			want.Check(t, tr, err)
		})
	}
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
