package servicebus

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// sdkClient returns the Azure SDK's admin client for conn, trusting the
// peer's CA.
func sdkClient(t *testing.T, p *Peer, conn string) *admin.Client {
	t.Helper()
	c, err := admin.NewClientFromConnectionString(conn, &admin.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: p.HTTPClient(), Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTheSDKReadsThePeer drives the peer with the unmodified admin client:
// runtime properties of a queue and a subscription, paged listings, a
// missing entity and a wrong key.
func TestTheSDKReadsThePeer(t *testing.T) {
	ctx := context.Background()
	p := New(t, Options{})
	for i, name := range []string{"q-a", "q-b", "q-c", "q-d", "q-e"} {
		p.SetQueue(name, Counts{Active: int32(i + 1), DeadLetter: 9})
	}
	p.SetSubscription("events", "s1", Counts{Active: 11, Scheduled: 2})
	p.SetSubscription("events", "s2", Counts{Active: 12})
	c := sdkClient(t, p, p.ConnectionString())

	q, err := c.GetQueueRuntimeProperties(ctx, "q-c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.ActiveMessageCount != 3 || q.DeadLetterMessageCount != 9 || q.TotalMessageCount != 12 || q.QueueName != "q-c" {
		t.Errorf("queue runtime properties %+v", q)
	}
	s, err := c.GetSubscriptionRuntimeProperties(ctx, "events", "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ActiveMessageCount != 11 || s.SubscriptionName != "s1" {
		t.Errorf("subscription runtime properties %+v", s)
	}

	var names []string
	var active int32
	pager := c.NewListQueuesRuntimePropertiesPager(&admin.ListQueuesRuntimePropertiesOptions{MaxPageSize: 2})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range page.QueueRuntimeProperties {
			names = append(names, q.QueueName)
			active += q.ActiveMessageCount
		}
	}
	if !slices.Equal(names, []string{"q-a", "q-b", "q-c", "q-d", "q-e"}) || active != 15 {
		t.Errorf("listed %v with %d active, want q-a…q-e with 15", names, active)
	}
	var subs []string
	sp := c.NewListSubscriptionsRuntimePropertiesPager("events", nil)
	for sp.More() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.SubscriptionRuntimeProperties {
			subs = append(subs, s.SubscriptionName)
		}
	}
	if !slices.Equal(subs, []string{"s1", "s2"}) {
		t.Errorf("subscriptions %v", subs)
	}

	missing, err := c.GetQueueRuntimeProperties(ctx, "nope", nil)
	if err != nil || missing != nil {
		t.Errorf("missing queue: %+v, %v; want nil, nil (the SDK maps 404 to no entity)", missing, err)
	}

	wrong := sdkClient(t, p, p.ConnectionStringWithKey("d3JvbmcgYnV0IHdlbGwgZm9ybWVk"))
	_, err = wrong.GetQueueRuntimeProperties(ctx, "q-a", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong key: %v, want a 401 ResponseError", err)
	}
}

// TestStopAndResume checks that a stopped peer refuses connections and
// serves again, on the same address, after Resume.
func TestStopAndResume(t *testing.T) {
	ctx := context.Background()
	p := New(t, Options{})
	p.SetQueue("jobs", Counts{Active: 1})
	c := sdkClient(t, p, p.ConnectionString())
	p.Stop()
	if _, err := c.GetQueueRuntimeProperties(ctx, "jobs", nil); err == nil {
		t.Fatal("a stopped peer answered")
	}
	if err := p.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	q, err := c.GetQueueRuntimeProperties(ctx, "jobs", nil)
	if err != nil || q.ActiveMessageCount != 1 {
		t.Fatalf("after resume: %+v, %v", q, err)
	}
}
