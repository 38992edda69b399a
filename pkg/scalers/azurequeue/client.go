package azurequeue

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2"

	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/clientcache"
)

// This file is the only one that touches the azqueue SDK.

// queueAPI is the part of one storage queue the trigger reads. Errors must
// be sanitized (azstorage.Sanitize).
type queueAPI interface {
	// ApproximateCount returns the queue's approximate message count,
	// visible or not.
	ApproximateCount(ctx context.Context) (int64, error)
	// PeekCount returns the number of visible messages, at most max.
	PeekCount(ctx context.Context, max int32) (int, error)
}

// ClientCache shares azqueue service clients between triggers that reach
// the same endpoint with the same credential. It is safe for concurrent
// use.
type ClientCache struct {
	c *clientcache.Cache[*azqueue.ServiceClient]
}

// NewClientCache returns a cache of at most size clients, or
// clientcache.DefaultSize when size is not positive. Service clients hold
// nothing to close.
func NewClientCache(size int) *ClientCache {
	return &ClientCache{c: clientcache.New(clientcache.Options[*azqueue.ServiceClient]{Size: size})}
}

// Len returns the number of cached clients.
func (c *ClientCache) Len() int { return c.c.Len() }

// queue returns the queue name at t, over a cached service client.
func (c *ClientCache) queue(t *azstorage.Target, name string) (queueAPI, error) {
	svc, err := c.c.Get(t.Endpoint+" "+t.CredentialHash(), func() (*azqueue.ServiceClient, error) {
		opts := &azqueue.ClientOptions{ClientOptions: azstorage.ClientOptions()}
		if t.Conn.AccountKey != "" {
			cred, err := azqueue.NewSharedKeyCredential(t.Conn.AccountName, t.Conn.AccountKey)
			if err != nil {
				return nil, t.Sanitize("shared key", err)
			}
			sc, err := azqueue.NewServiceClientWithSharedKeyCredential(t.Endpoint, cred, opts)
			return sc, t.Sanitize("queue client", err)
		}
		sc, err := azqueue.NewServiceClientWithNoCredential(t.Endpoint+"/?"+t.Conn.SAS, opts)
		return sc, t.Sanitize("queue client", err)
	})
	if err != nil {
		return nil, err
	}
	return &sdkQueue{client: svc.NewQueueClient(name), target: t}, nil
}

// sdkQueue is queueAPI over azqueue.
type sdkQueue struct {
	client *azqueue.QueueClient
	target *azstorage.Target
}

func (q *sdkQueue) ApproximateCount(ctx context.Context) (int64, error) {
	resp, err := q.client.GetProperties(ctx, nil)
	if err != nil {
		return 0, q.target.Sanitize("get queue properties", err)
	}
	if resp.ApproximateMessagesCount == nil {
		return 0, nil
	}
	return *resp.ApproximateMessagesCount, nil
}

func (q *sdkQueue) PeekCount(ctx context.Context, max int32) (int, error) {
	resp, err := q.client.PeekMessages(ctx, &azqueue.PeekMessagesOptions{NumberOfMessages: &max})
	if err != nil {
		return 0, q.target.Sanitize("peek messages", err)
	}
	return len(resp.Messages), nil
}
