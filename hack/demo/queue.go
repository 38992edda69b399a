package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2/queueerror"
)

// queue is the demo's side of the orders queue in Azurite: the producer
// that enqueues orders and the worker that takes and deletes them.
type queue struct {
	c    *azqueue.QueueClient
	sent int
}

// newQueue returns a client of the queue, creating the queue.
func newQueue(ctx context.Context, conn, name string) (*queue, error) {
	c, err := azqueue.NewQueueClientFromConnectionString(conn, name, nil)
	if err != nil {
		return nil, fmt.Errorf("queue client: %w", err)
	}
	if _, err := c.Create(ctx, nil); err != nil {
		if !queueerror.HasCode(err, queueerror.QueueAlreadyExists) {
			return nil, fmt.Errorf("create queue: %w", err)
		}
	}
	return &queue{c: c}, nil
}

// length returns the approximate number of messages.
func (q *queue) length(ctx context.Context) (int, error) {
	p, err := q.c.GetProperties(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("get queue properties: %w", err)
	}
	if p.ApproximateMessagesCount == nil {
		return 0, nil
	}
	return int(*p.ApproximateMessagesCount), nil
}

// enqueue adds n orders.
func (q *queue) enqueue(ctx context.Context, n int) error {
	for range n {
		q.sent++
		msg := `{"id":` + strconv.Itoa(q.sent) + `,"items":[{"sku":"tea","price":4.5,"quantity":2}]}`
		if _, err := q.c.EnqueueMessage(ctx, msg, nil); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
	}
	return nil
}

// work takes up to n messages and deletes them, as the function does
// when it returns; it returns how many it deleted.
func (q *queue) work(ctx context.Context, n int) (int, error) {
	done := 0
	for done < n {
		batch := int32(min(32, n-done))
		resp, err := q.c.DequeueMessages(ctx, &azqueue.DequeueMessagesOptions{NumberOfMessages: &batch})
		if err != nil {
			return done, fmt.Errorf("dequeue: %w", err)
		}
		if len(resp.Messages) == 0 {
			return done, nil
		}
		for _, m := range resp.Messages {
			if _, err := q.c.DeleteMessage(ctx, *m.MessageID, *m.PopReceipt, nil); err != nil {
				return done, fmt.Errorf("delete message: %w", err)
			}
			done++
		}
	}
	return done, nil
}

// clear deletes every message (what an earlier, interrupted run left).
func (q *queue) clear(ctx context.Context) error {
	if _, err := q.c.ClearMessages(ctx, nil); err != nil {
		return fmt.Errorf("clear queue: %w", err)
	}
	return nil
}
