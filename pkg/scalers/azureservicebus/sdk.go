package azureservicebus

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// counter reads active message counts from one namespace. Errors are
// sanitized: they hold no key, SAS or connection string.
type counter interface {
	// Queue returns the queue's active message count; an error wrapping
	// ErrEntityNotFound when it does not exist.
	Queue(ctx context.Context, name string) (int64, error)
	// Subscription is Queue for a topic's subscription.
	Subscription(ctx context.Context, topic, name string) (int64, error)
	// Queues calls each with every queue's name and active count.
	Queues(ctx context.Context, each func(name string, active int64)) error
	// Subscriptions is Queues for the subscriptions of topic.
	Subscriptions(ctx context.Context, topic string, each func(name string, active int64)) error
}

// pageSize is how many entities one listing request asks for.
const pageSize = 100

var _ counter = (*namespaceClient)(nil)

func (c *namespaceClient) Queue(ctx context.Context, name string) (int64, error) {
	const op = "get queue runtime properties"
	resp, err := withRecover(op, func() (*admin.GetQueueRuntimePropertiesResponse, error) {
		return c.admin.GetQueueRuntimeProperties(ctx, name, nil)
	})
	if err != nil {
		return 0, sanitize(op, fmt.Sprintf("queue %q", name), err, c.conn)
	}
	if resp == nil {
		return 0, fmt.Errorf("%s: queue %q in namespace %s: %w", op, name, c.conn.Host, ErrEntityNotFound)
	}
	return int64(resp.ActiveMessageCount), nil
}

func (c *namespaceClient) Subscription(ctx context.Context, topic, name string) (int64, error) {
	const op = "get subscription runtime properties"
	resp, err := withRecover(op, func() (*admin.GetSubscriptionRuntimePropertiesResponse, error) {
		return c.admin.GetSubscriptionRuntimeProperties(ctx, topic, name, nil)
	})
	if err != nil {
		return 0, sanitize(op, fmt.Sprintf("subscription %q of topic %q", name, topic), err, c.conn)
	}
	if resp == nil {
		return 0, fmt.Errorf("%s: subscription %q of topic %q in namespace %s: %w", op, name, topic, c.conn.Host, ErrEntityNotFound)
	}
	return int64(resp.ActiveMessageCount), nil
}

func (c *namespaceClient) Queues(ctx context.Context, each func(string, int64)) error {
	const op = "list queue runtime properties"
	pager := c.admin.NewListQueuesRuntimePropertiesPager(&admin.ListQueuesRuntimePropertiesOptions{MaxPageSize: pageSize})
	for pager.More() {
		page, err := withRecover(op, func() (admin.ListQueuesRuntimePropertiesResponse, error) { return pager.NextPage(ctx) })
		if err != nil {
			return sanitize(op, "", err, c.conn)
		}
		for _, q := range page.QueueRuntimeProperties {
			each(q.QueueName, int64(q.ActiveMessageCount))
		}
	}
	return nil
}

func (c *namespaceClient) Subscriptions(ctx context.Context, topic string, each func(string, int64)) error {
	const op = "list subscription runtime properties"
	pager := c.admin.NewListSubscriptionsRuntimePropertiesPager(topic, &admin.ListSubscriptionsRuntimePropertiesOptions{MaxPageSize: pageSize})
	for pager.More() {
		page, err := withRecover(op, func() (admin.ListSubscriptionsRuntimePropertiesResponse, error) { return pager.NextPage(ctx) })
		if err != nil {
			return sanitize(op, fmt.Sprintf("topic %q", topic), err, c.conn)
		}
		for _, s := range page.SubscriptionRuntimeProperties {
			each(s.SubscriptionName, int64(s.ActiveMessageCount))
		}
	}
	return nil
}
