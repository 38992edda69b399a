package kafka

import "testing"

func TestComputeLag(t *testing.T) {
	tp := func(p int) topicPartition { return topicPartition{"t", p} }
	three := map[topicPartition]partitionOffsets{tp(0): {10, 30}, tp(1): {5, 10}, tp(2): {-1, 7}}
	tests := []struct {
		name         string
		parts        map[topicPartition]partitionOffsets
		prev         map[topicPartition]int64
		opts         lagOptions
		wantValue    int64
		wantActivity int64
	}{
		{name: "latest", parts: three, opts: lagOptions{threshold: 100}, wantValue: 26, wantActivity: 26},
		{name: "earliest", parts: three, opts: lagOptions{threshold: 100, earliest: true}, wantValue: 32, wantActivity: 32},
		{name: "scale to zero", parts: three, opts: lagOptions{threshold: 100, earliest: true, scaleToZero: true}, wantValue: 25, wantActivity: 25},
		{name: "capped", parts: three, opts: lagOptions{threshold: 5}, wantValue: 15, wantActivity: 26},
		// KEDA: 26/8 = 3 is not > 3, so it reports 26 and the HPA asks for
		// 4 replicas for 3 partitions. Sluice caps at 24.
		{name: "cap without integer division", parts: three, opts: lagOptions{threshold: 8}, wantValue: 24, wantActivity: 26},
		{name: "idle allowed", parts: three, opts: lagOptions{threshold: 1, allowIdle: true}, wantValue: 26, wantActivity: 26},
		{name: "limit to partitions with lag", parts: map[topicPartition]partitionOffsets{tp(0): {10, 30}, tp(1): {10, 10}, tp(2): {7, 7}},
			opts: lagOptions{threshold: 5, limitToLag: true}, wantValue: 5, wantActivity: 20},
		{name: "persistent excluded", parts: three, prev: map[topicPartition]int64{tp(0): 10, tp(1): 4},
			opts: lagOptions{threshold: 100, excludePersistent: true}, wantValue: 6, wantActivity: 26},
		{name: "persistent counted without option", parts: three, prev: map[topicPartition]int64{tp(0): 10},
			opts: lagOptions{threshold: 100}, wantValue: 26, wantActivity: 26},
		{name: "persistent lag leaves no partition with lag", parts: map[topicPartition]partitionOffsets{tp(0): {10, 30}}, prev: map[topicPartition]int64{tp(0): 10},
			opts: lagOptions{threshold: 5, limitToLag: true, excludePersistent: true}, wantValue: 0, wantActivity: 20},
		{name: "committed beyond latest", parts: map[topicPartition]partitionOffsets{tp(0): {40, 30}}, opts: lagOptions{threshold: 5}, wantValue: 0, wantActivity: 0},
		{name: "no partitions", parts: nil, opts: lagOptions{threshold: 5}, wantValue: 0, wantActivity: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := computeLag(tt.parts, tt.prev, tt.opts)
			if res.value != tt.wantValue || res.activity != tt.wantActivity {
				t.Fatalf("got %d/%d, want %d/%d", res.value, res.activity, tt.wantValue, tt.wantActivity)
			}
			for p, off := range tt.parts {
				if got, ok := res.committed[p]; ok != (off.committed >= 0) || (ok && got != off.committed) {
					t.Fatalf("committed[%v] = %d, %v", p, got, ok)
				}
			}
		})
	}
}

func BenchmarkComputeLag(b *testing.B) {
	parts := make(map[topicPartition]partitionOffsets, 100)
	for i := range 100 {
		parts[topicPartition{"t", i}] = partitionOffsets{int64(i), int64(2 * i)}
	}
	opts := lagOptions{threshold: 10, excludePersistent: true}
	var prev map[topicPartition]int64
	for b.Loop() {
		prev = computeLag(parts, prev, opts).committed
	}
}
