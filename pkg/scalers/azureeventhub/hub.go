package azureeventhub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// This file is the only one that touches the azeventhubs SDK.

// DefaultIdleClose is how long a cached Event Hubs client may go unused
// before the cache closes it (and its AMQP connection).
const DefaultIdleClose = 10 * time.Minute

// hubAPI is the part of one event hub the trigger reads. Errors hold no
// secret.
type hubAPI interface {
	// PartitionIDs returns the hub's partition IDs.
	PartitionIDs(ctx context.Context) ([]string, error)
	// Partition returns one partition's sequence numbers.
	Partition(ctx context.Context, id string) (partition, error)
}

// hubConn is how to reach one event hub.
type hubConn struct {
	// key identifies the hub and credential; secrets only hashed.
	key string
	// conn is the connection string; hub is empty when conn holds
	// EntityPath.
	conn, hub string
	// secrets are redacted from every error.
	secrets []string
}

// HubCache shares Event Hubs clients, each holding one AMQP connection,
// between triggers that read the same hub with the same credential. A
// client is held only while a poll uses it; one unused for its idle time
// is closed at the next use of the cache, and the least recently used is
// closed when the cache is full (after its poll, when one runs), so that
// deleted triggers leave no connection open for long. It is safe for
// concurrent use.
type HubCache struct {
	c *clientcache.Cache[*azeventhubs.ProducerClient]
}

// NewHubCache returns a cache of at most size clients (64 when size is not
// positive) that closes clients unused for idle (DefaultIdleClose when not
// positive).
func NewHubCache(size int, idle time.Duration) *HubCache {
	return newHubCache(size, idle, time.Now)
}

func newHubCache(size int, idle time.Duration, now func() time.Time) *HubCache {
	if idle <= 0 {
		idle = DefaultIdleClose
	}
	return &HubCache{c: clientcache.New(clientcache.Options[*azeventhubs.ProducerClient]{
		Size: size, Idle: idle, Now: now, Close: closeClient,
	})}
}

// Len returns the number of open clients.
func (c *HubCache) Len() int { return c.c.Len() }

// use runs fn with the client for h, opening one when none is cached.
func (c *HubCache) use(h *hubConn, fn func(hubAPI) error) error {
	return c.c.Use(h.key, func() (*azeventhubs.ProducerClient, error) {
		client, err := azeventhubs.NewProducerClientFromConnectionString(h.conn, h.hub, &azeventhubs.ProducerClientOptions{
			ApplicationID: "sluice",
			RetryOptions: azeventhubs.RetryOptions{
				MaxRetries: 1, RetryDelay: 200 * time.Millisecond, MaxRetryDelay: time.Second,
			},
		})
		if err != nil {
			return nil, redact("event hubs client", err, h.secrets)
		}
		return client, nil
	}, func(client *azeventhubs.ProducerClient) error {
		return fn(&sdkHub{client: client, secrets: h.secrets})
	})
}

// closeClient closes a client, bounded in time: a close that cannot reach
// the service must not hold up the poll that noticed the idle client.
func closeClient(cl *azeventhubs.ProducerClient) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = cl.Close(ctx)
}

// sdkHub is hubAPI over a ProducerClient.
type sdkHub struct {
	client  *azeventhubs.ProducerClient
	secrets []string
}

func (h *sdkHub) PartitionIDs(ctx context.Context) ([]string, error) {
	props, err := h.client.GetEventHubProperties(ctx, nil)
	if err != nil {
		return nil, redact("get event hub properties", err, h.secrets)
	}
	return props.PartitionIDs, nil
}

func (h *sdkHub) Partition(ctx context.Context, id string) (partition, error) {
	props, err := h.client.GetPartitionProperties(ctx, id, nil)
	if err != nil {
		return partition{}, redact("get properties of partition "+id, err, h.secrets)
	}
	return partition{ID: id, Begin: props.BeginningSequenceNumber, Last: props.LastEnqueuedSequenceNumber, Empty: props.IsEmpty}, nil
}

// redact wraps err from op, with every secret of useful length replaced;
// context errors stay matchable with errors.Is.
func redact(op string, err error, secrets []string) error {
	for _, ctxErr := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
	}
	msg := err.Error()
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	if msg != err.Error() {
		return fmt.Errorf("%s: %s", op, msg)
	}
	return fmt.Errorf("%s: %w", op, err)
}
