package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// cluster is an in-process Kafka (kfake) on loopback with a client to
// produce and commit through.
type cluster struct {
	t       testing.TB
	c       *kfake.Cluster
	cl      *kgo.Client
	brokers string
}

// newCluster starts kfake with the given topics of 3 partitions each.
func newCluster(t testing.TB, opts []kfake.Opt, clientOpts []kgo.Opt, topics ...string) *cluster {
	t.Helper()
	opts = append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(3, topics...)}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(c.Close)
	addrs := c.ListenAddrs()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...), kgo.RecordPartitioner(kgo.ManualPartitioner())}, clientOpts...)...)
	if err != nil {
		t.Fatalf("kgo client: %v", err)
	}
	t.Cleanup(cl.Close)
	return &cluster{t: t, c: c, cl: cl, brokers: addrs[0]}
}

// produce writes n records to topic/partition.
func (k *cluster) produce(topic string, partition int32, n int) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = &kgo.Record{Topic: topic, Partition: partition, Value: []byte("x")}
	}
	if err := k.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		k.t.Fatalf("produce: %v", err)
	}
}

// commit commits offset for group on topic/partition, as a group with no
// members may (generation -1).
func (k *cluster) commit(group, topic string, partition int32, offset int64) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group = group
	req.Generation = -1
	rt := kmsg.NewOffsetCommitRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewOffsetCommitRequestTopicPartition()
	rp.Partition = partition
	rp.Offset = offset
	rp.LeaderEpoch = -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, k.cl)
	if err != nil {
		k.t.Fatalf("commit: %v", err)
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if p.ErrorCode != 0 {
				k.t.Fatalf("commit %s/%d: error code %d", t.Topic, p.Partition, p.ErrorCode)
			}
		}
	}
}
