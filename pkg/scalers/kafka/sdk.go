package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// This file is the only one that knows kafka-go.

// admin reads what the trigger needs from a Kafka cluster. Errors never hold
// credentials.
type admin interface {
	// partitions returns the partition ids of each topic; a topic the
	// cluster does not know is an error.
	partitions(ctx context.Context, topics []string) (map[string][]int, error)
	// committed returns group's committed offsets of the given partitions,
	// or of every partition it has committed when topics is nil. A
	// partition without a committed offset is -1 or absent.
	committed(ctx context.Context, group string, topics map[string][]int) (map[string]map[int]int64, error)
	// latest returns the log end offset of each partition.
	latest(ctx context.Context, topics map[string][]int) (map[string]map[int]int64, error)
	// close releases the connections.
	close()
}

// requestTimeout bounds one request when the caller's ctx has no deadline.
const requestTimeout = 30 * time.Second

// clientConfig is what one shared connection pool is built from.
type clientConfig struct {
	brokers  []string
	tls      *tls.Config // nil: plaintext
	sasl     string      // none, plaintext, scram_sha256, scram_sha512
	username string
	password string
}

// kafkaAdmin is admin over a kafka-go Client and its Transport.
type kafkaAdmin struct {
	client    *kafkago.Client
	transport *kafkago.Transport
}

var _ admin = (*kafkaAdmin)(nil)

// newAdmin builds a client for cc. It does not contact the cluster.
func newAdmin(cc clientConfig) (*kafkaAdmin, error) {
	mech, err := saslMechanism(cc)
	if err != nil {
		return nil, err
	}
	t := &kafkago.Transport{
		Dial:        (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		DialTimeout: 10 * time.Second,
		IdleTimeout: 5 * time.Minute,
		MetadataTTL: 30 * time.Second,
		ClientID:    "sluice",
		TLS:         cc.tls,
		SASL:        mech,
	}
	return &kafkaAdmin{client: &kafkago.Client{Addr: kafkago.TCP(cc.brokers...), Timeout: requestTimeout, Transport: t}, transport: t}, nil
}

// saslMechanism returns the kafka-go mechanism for cc, nil for none.
func saslMechanism(cc clientConfig) (sasl.Mechanism, error) {
	switch cc.sasl {
	case "", "none":
		return nil, nil
	case "plaintext":
		return plain.Mechanism{Username: cc.username, Password: cc.password}, nil
	case "scram_sha256", "scram_sha512":
		algo := scram.SHA256
		if cc.sasl == "scram_sha512" {
			algo = scram.SHA512
		}
		m, err := scram.Mechanism(algo, cc.username, cc.password)
		if err != nil {
			// The scram package reports SASLprep failures, not the values.
			return nil, fmt.Errorf("scram credentials: %w", err)
		}
		return m, nil
	default:
		return nil, fmt.Errorf("sasl mode %q is not supported", cc.sasl)
	}
}

func (a *kafkaAdmin) close() { a.transport.CloseIdleConnections() }

func (a *kafkaAdmin) partitions(ctx context.Context, topics []string) (map[string][]int, error) {
	resp, err := a.client.Metadata(ctx, &kafkago.MetadataRequest{Topics: topics})
	if err != nil {
		return nil, fmt.Errorf("get metadata: %w", err)
	}
	out := make(map[string][]int, len(topics))
	for _, t := range resp.Topics {
		if t.Error != nil {
			return nil, fmt.Errorf("get metadata of topic %q: %w", t.Name, t.Error)
		}
		ids := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
		out[t.Name] = ids
	}
	for _, name := range topics {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("get metadata of topic %q: %w", name, kafkago.UnknownTopicOrPartition)
		}
	}
	return out, nil
}

func (a *kafkaAdmin) committed(ctx context.Context, group string, topics map[string][]int) (map[string]map[int]int64, error) {
	resp, err := a.client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: group, Topics: topics})
	if err != nil {
		return nil, fmt.Errorf("fetch committed offsets: %w", err)
	}
	if errors.Is(resp.Error, kafkago.GroupIdNotFound) {
		// A group that never committed has no offsets; brokers differ in
		// whether they say so with this error or with empty offsets.
		return map[string]map[int]int64{}, nil
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("fetch committed offsets: %w", resp.Error)
	}
	return perPartition(resp.Topics, "fetch committed offset", func(p kafkago.OffsetFetchPartition) (int, int64, error) {
		return p.Partition, p.CommittedOffset, p.Error
	})
}

func (a *kafkaAdmin) latest(ctx context.Context, topics map[string][]int) (map[string]map[int]int64, error) {
	req := &kafkago.ListOffsetsRequest{Topics: make(map[string][]kafkago.OffsetRequest, len(topics))}
	for topic, parts := range topics {
		reqs := make([]kafkago.OffsetRequest, len(parts))
		for i, p := range parts {
			reqs[i] = kafkago.LastOffsetOf(p)
		}
		req.Topics[topic] = reqs
	}
	resp, err := a.client.ListOffsets(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("list offsets: %w", err)
	}
	return perPartition(resp.Topics, "list offset", func(p kafkago.PartitionOffsets) (int, int64, error) {
		return p.Partition, p.LastOffset, p.Error
	})
}

// perPartition collects one number per partition of each topic with read,
// failing on the first partition that carries an error, named by op.
func perPartition[P any](topics map[string][]P, op string, read func(P) (part int, n int64, err error)) (map[string]map[int]int64, error) {
	out := make(map[string]map[int]int64, len(topics))
	for topic, parts := range topics {
		m := make(map[int]int64, len(parts))
		for _, p := range parts {
			id, n, err := read(p)
			if err != nil {
				return nil, fmt.Errorf("%s of %s/%d: %w", op, topic, id, err)
			}
			m[id] = n
		}
		out[topic] = m
	}
	return out, nil
}
