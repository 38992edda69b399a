package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

func pollTrigger(t *testing.T, tr *scalers.Trigger) (float64, float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	v, act, err := tr.Source.(*source).PollActivity(ctx)
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return v, act
}

func TestPollAgainstKfake(t *testing.T) {
	k := newCluster(t, nil, nil, "orders", "audit")
	// orders: 10, 20, 5 records; group g committed 4, 20, none.
	k.produce("orders", 0, 10)
	k.produce("orders", 1, 20)
	k.produce("orders", 2, 5)
	k.commit("g", "orders", 0, 4)
	k.commit("g", "orders", 1, 20)
	// audit: 7 records on partition 0, g committed 2; partitions 1, 2 empty.
	k.produce("audit", 0, 7)
	k.commit("g", "audit", 0, 2)

	tests := []struct {
		name         string
		meta         map[string]string
		wantValue    float64
		wantActivity float64
	}{
		{name: "lag summed, latest counts 1", meta: map[string]string{"topic": "orders", "allowIdleConsumers": "true"}, wantValue: 6 + 0 + 1, wantActivity: 7},
		{name: "earliest counts the log", meta: map[string]string{"topic": "orders", "offsetResetPolicy": "earliest", "allowIdleConsumers": "true"}, wantValue: 6 + 5, wantActivity: 11},
		{name: "scaleToZeroOnInvalidOffset", meta: map[string]string{"topic": "orders", "scaleToZeroOnInvalidOffset": "true", "offsetResetPolicy": "earliest"}, wantValue: 6, wantActivity: 6},
		{name: "partitionLimitation", meta: map[string]string{"topic": "orders", "partitionLimitation": "1-2", "offsetResetPolicy": "earliest"}, wantValue: 5, wantActivity: 5},
		{name: "capped at partitions × threshold", meta: map[string]string{"topic": "orders", "offsetResetPolicy": "earliest", "lagThreshold": "3"}, wantValue: 9, wantActivity: 11},
		{name: "limitToPartitionsWithLag", meta: map[string]string{"topic": "orders", "offsetResetPolicy": "earliest", "lagThreshold": "2", "limitToPartitionsWithLag": "true"}, wantValue: 4, wantActivity: 11},
		{name: "allowIdleConsumers", meta: map[string]string{"topic": "orders", "offsetResetPolicy": "earliest", "lagThreshold": "1", "allowIdleConsumers": "true"}, wantValue: 11, wantActivity: 11},
		// audit: 5 + 1 + 1 (partitions without commit count 1 under latest).
		{name: "all topics of the group", meta: map[string]string{"allowIdleConsumers": "true"}, wantValue: 7 + 7, wantActivity: 14},
		{name: "unknown group, all topics", meta: map[string]string{"consumerGroup": "nobody"}, wantValue: 0, wantActivity: 0},
		{name: "unknown group, one topic", meta: map[string]string{"consumerGroup": "nobody", "topic": "orders"}, wantValue: 3, wantActivity: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := map[string]string{"bootstrapServers": k.brokers, "consumerGroup": "g"}
			for k, v := range tt.meta {
				meta[k] = v
			}
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: meta})
			if err != nil {
				t.Fatal(err)
			}
			v, act := pollTrigger(t, tr)
			if v != tt.wantValue || act != tt.wantActivity {
				t.Errorf("got value %v activity %v, want %v and %v", v, act, tt.wantValue, tt.wantActivity)
			}
		})
	}
}

func TestPollExcludePersistentLag(t *testing.T) {
	k := newCluster(t, nil, nil, "jobs")
	k.produce("jobs", 0, 10)
	k.produce("jobs", 1, 10)
	k.commit("g", "jobs", 0, 2)
	k.commit("g", "jobs", 1, 2)
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{
		"bootstrapServers": k.brokers, "consumerGroup": "g", "topic": "jobs",
		"excludePersistentLag": "true", "scaleToZeroOnInvalidOffset": "true",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v, act := pollTrigger(t, tr); v != 16 || act != 16 {
		t.Fatalf("first poll: got %v/%v, want 16/16", v, act)
	}
	k.commit("g", "jobs", 0, 5) // partition 0 moves, partition 1 is stuck
	if v, act := pollTrigger(t, tr); v != 5 || act != 13 {
		t.Fatalf("second poll: got %v/%v, want 5 (moving partition only) and 13", v, act)
	}
	if v, act := pollTrigger(t, tr); v != 0 || act != 13 {
		t.Fatalf("third poll: got %v/%v, want 0 and 13 (activity keeps persistent lag)", v, act)
	}
}

func TestPollErrors(t *testing.T) {
	k := newCluster(t, nil, nil, "orders")
	deadAddr := "127.0.0.1:1"
	tests := []struct {
		name    string
		meta    map[string]string
		wantErr string
	}{
		{name: "missing topic", meta: map[string]string{"bootstrapServers": k.brokers, "topic": "nope"}, wantErr: `topic "nope"`},
		{name: "broker down", meta: map[string]string{"bootstrapServers": deadAddr, "topic": "orders"}, wantErr: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.meta["consumerGroup"] = "g"
			tr, err := New(nil)(scalers.Config{Type: Type, Metadata: tt.meta})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err = tr.Source.Poll(ctx)
			if err == nil || !contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func BenchmarkPollKfake(b *testing.B) {
	k := newCluster(b, nil, nil, "bench")
	for p := range int32(3) {
		k.produce("bench", p, 5)
		k.commit("g", "bench", p, 2)
	}
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{"bootstrapServers": k.brokers, "consumerGroup": "g", "topic": "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if v, err := tr.Source.Poll(ctx); err != nil || v != 9 {
			b.Fatalf("got %v, %v; want 9", v, err)
		}
	}
}
