package kafka

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/sluice-dev/sluice/pkg/scalers"
)

// source polls the lag of one consumer group. It keeps the previous poll's
// committed offsets for excludePersistentLag.
type source struct {
	get   func() (admin, error)
	group string
	topic string // empty: every topic the group has committed
	limit []int  // partitionLimitation; nil: all partitions
	opts  lagOptions

	mu   sync.Mutex
	prev map[topicPartition]int64
}

var _ scalers.Source = (*source)(nil)

func newSource(get func() (admin, error), group, topic string, limit []int, opts lagOptions) *source {
	return &source{get: get, group: group, topic: topic, limit: limit, opts: opts}
}

// Poll implements scalers.Source: it returns the metric value, the lag as
// the HPA should see it.
func (s *source) Poll(ctx context.Context) (float64, error) {
	v, _, err := s.PollActivity(ctx)
	return v, err
}

// PollActivity returns the metric value as Poll does, and the value the
// trigger's activity is judged on (compare with activationLagThreshold):
// the lag before the partition cap and with persistent lag included, as
// KEDA judges it. Both come from one read of the cluster.
func (s *source) PollActivity(ctx context.Context) (value, activity float64, err error) {
	a, err := s.get()
	if err != nil {
		return 0, 0, fmt.Errorf("kafka client: %w", err)
	}
	parts, err := s.offsets(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := computeLag(parts, s.prev, s.opts)
	s.prev = res.committed
	return float64(res.value), float64(res.activity), nil
}

// offsets reads the committed and latest offsets of every watched
// partition.
func (s *source) offsets(ctx context.Context, a admin) (map[topicPartition]partitionOffsets, error) {
	var want map[string][]int
	var committed map[string]map[int]int64
	if s.topic != "" {
		parts, err := a.partitions(ctx, []string{s.topic})
		if err != nil {
			return nil, err
		}
		ids := parts[s.topic]
		if s.limit != nil {
			ids = slices.DeleteFunc(slices.Clone(ids), func(id int) bool { return !slices.Contains(s.limit, id) })
		}
		if len(ids) == 0 {
			// KEDA fails the same way: serving 0 would look like no lag.
			return nil, fmt.Errorf("topic %q: no partition to watch (partitionLimitation matches none of its %d partitions)", s.topic, len(parts[s.topic]))
		}
		want = map[string][]int{s.topic: ids}
		if committed, err = a.committed(ctx, s.group, want); err != nil {
			return nil, fmt.Errorf("consumer group %q: %w", s.group, err)
		}
	} else {
		var err error
		if committed, err = a.committed(ctx, s.group, nil); err != nil {
			return nil, fmt.Errorf("consumer group %q: %w", s.group, err)
		}
		if len(committed) == 0 {
			return nil, nil
		}
		if want, err = a.partitions(ctx, slices.Sorted(maps.Keys(committed))); err != nil {
			return nil, err
		}
	}
	latest, err := a.latest(ctx, want)
	if err != nil {
		return nil, err
	}
	out := make(map[topicPartition]partitionOffsets)
	for topic, ids := range want {
		for _, id := range ids {
			l, ok := latest[topic][id]
			if !ok {
				// Event Hubs' Kafka endpoint sometimes leaves partitions
				// out; KEDA then counts them neither toward the lag nor
				// toward the partition count.
				continue
			}
			c, ok := committed[topic][id]
			if !ok {
				c = -1
			}
			out[topicPartition{topic, id}] = partitionOffsets{committed: c, latest: l}
		}
	}
	return out, nil
}
