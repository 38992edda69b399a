package azureeventhub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"
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
// client unused for its idle time is closed at the next use of the cache,
// and the least recently used idle client is closed when the cache is
// full, so that deleted triggers leave no connection open for long. It is
// safe for concurrent use.
type HubCache struct {
	mu      sync.Mutex
	size    int
	idle    time.Duration
	now     func() time.Time
	entries map[string]*hubEntry
}

type hubEntry struct {
	client   *azeventhubs.ProducerClient
	users    int
	lastUsed time.Time
}

// NewHubCache returns a cache of at most size idle clients (64 when size
// is not positive) that closes clients unused for idle (DefaultIdleClose
// when not positive).
func NewHubCache(size int, idle time.Duration) *HubCache {
	if size <= 0 {
		size = 64
	}
	if idle <= 0 {
		idle = DefaultIdleClose
	}
	return &HubCache{size: size, idle: idle, now: time.Now, entries: map[string]*hubEntry{}}
}

// Len returns the number of open clients.
func (c *HubCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// use runs fn with the client for h, opening one when none is cached, and
// closes clients that went idle.
func (c *HubCache) use(ctx context.Context, h *hubConn, fn func(hubAPI) error) error {
	e, stale, err := c.acquire(h)
	closeClients(ctx, stale)
	if err != nil {
		return err
	}
	defer c.release(e)
	return fn(&sdkHub{client: e.client, secrets: h.secrets})
}

func (c *HubCache) acquire(h *hubConn) (*hubEntry, []*azeventhubs.ProducerClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	var stale []*azeventhubs.ProducerClient
	for k, e := range c.entries {
		if e.users == 0 && k != h.key && now.Sub(e.lastUsed) > c.idle {
			stale = append(stale, e.client)
			delete(c.entries, k)
		}
	}
	if e, ok := c.entries[h.key]; ok {
		e.users++
		return e, stale, nil
	}
	client, err := azeventhubs.NewProducerClientFromConnectionString(h.conn, h.hub, &azeventhubs.ProducerClientOptions{
		ApplicationID: "sluice",
		RetryOptions: azeventhubs.RetryOptions{
			MaxRetries: 1, RetryDelay: 200 * time.Millisecond, MaxRetryDelay: time.Second,
		},
	})
	if err != nil {
		return nil, stale, redact("event hubs client", err, h.secrets)
	}
	e := &hubEntry{client: client, users: 1, lastUsed: now}
	c.entries[h.key] = e
	if len(c.entries) > c.size {
		var oldestKey string
		var oldest *hubEntry
		for k, o := range c.entries {
			if o.users == 0 && (oldest == nil || o.lastUsed.Before(oldest.lastUsed)) {
				oldestKey, oldest = k, o
			}
		}
		if oldest != nil {
			stale = append(stale, oldest.client)
			delete(c.entries, oldestKey)
		}
	}
	return e, stale, nil
}

func (c *HubCache) release(e *hubEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.users--
	e.lastUsed = c.now()
}

// closeClients closes clients, bounded in time: a close that cannot reach
// the service must not hold up the poll that noticed the idle client.
func closeClients(ctx context.Context, clients []*azeventhubs.ProducerClient) {
	for _, cl := range clients {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = cl.Close(cctx)
		cancel()
	}
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
