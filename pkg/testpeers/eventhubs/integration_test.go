//go:build integration

package eventhubs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"

	"github.com/sluice-dev/sluice/pkg/testpeers/eventhubs"
)

// TestSDKReadsProperties proves the peer answers the real SDK's hub and
// partition property reads over AMQP, and refuses a wrong key.
func TestSDKReadsProperties(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer := eventhubs.New(t, eventhubs.Options{})
	if err := peer.SetHub(ctx, "orders", []eventhubs.Partition{
		{ID: "0", Begin: 0, Last: 41}, {ID: "1", Begin: 0, Last: -1},
	}); err != nil {
		t.Fatal(err)
	}
	pc, err := azeventhubs.NewProducerClientFromConnectionString(peer.ConnectionString(), "orders", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Close(ctx) }()
	hub, err := pc.GetEventHubProperties(ctx, nil)
	if err != nil {
		t.Fatalf("GetEventHubProperties: %v", err)
	}
	if hub.Name != "orders" || !slices.Equal(hub.PartitionIDs, []string{"0", "1"}) {
		t.Fatalf("hub = %+v", hub)
	}
	p0, err := pc.GetPartitionProperties(ctx, "0", nil)
	if err != nil {
		t.Fatalf("GetPartitionProperties: %v", err)
	}
	if p0.LastEnqueuedSequenceNumber != 41 || p0.BeginningSequenceNumber != 0 || p0.IsEmpty || p0.PartitionID != "0" {
		t.Fatalf("partition 0 = %+v", p0)
	}
	if err := peer.SetPartition(ctx, "orders", eventhubs.Partition{ID: "1", Begin: 3, Last: 9}); err != nil {
		t.Fatal(err)
	}
	p1, err := pc.GetPartitionProperties(ctx, "1", nil)
	if err != nil {
		t.Fatalf("GetPartitionProperties: %v", err)
	}
	if p1.LastEnqueuedSequenceNumber != 9 || p1.BeginningSequenceNumber != 3 || p1.IsEmpty {
		t.Fatalf("partition 1 = %+v", p1)
	}

	bad, err := azeventhubs.NewProducerClientFromConnectionString(peer.ConnectionStringWithKey("d3Jvbmcta2V5"), "orders",
		&azeventhubs.ProducerClientOptions{RetryOptions: azeventhubs.RetryOptions{MaxRetries: -1}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bad.Close(ctx) }()
	_, err = bad.GetEventHubProperties(ctx, nil)
	if err == nil {
		t.Fatal("GetEventHubProperties with a wrong key succeeded")
	}
	if strings.Contains(err.Error(), "d3Jvbmcta2V5") {
		t.Fatalf("error shows the key: %v", err)
	}
	t.Logf("wrong key: %v", err)
	counts, err := peer.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Denied == 0 || counts.EventHub != 1 || counts.Partition != 2 {
		t.Fatalf("counts = %+v", counts)
	}
}
