//go:build integration

package azureeventhub

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azeventhubs/v2/checkpoints"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
	"github.com/sluice-dev/sluice/pkg/testpeers/eventhubs"
)

// world is one Azurite (blob only) and one Event Hubs peer.
type world struct {
	az   *azurite.Azurite
	peer *eventhubs.Peer
	blob *azblob.Client
	hubs *HubCache
}

func newWorld(t testing.TB) *world {
	t.Helper()
	az := azurite.New(t, azurite.Options{NoQueue: true, InMemory: true})
	peer := eventhubs.New(t, eventhubs.Options{})
	blob, err := azblob.NewClientFromConnectionString(az.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	hubs := NewHubCache(0, 0)
	t.Cleanup(hubs.c.Purge)
	return &world{az: az, peer: peer, blob: blob, hubs: hubs}
}

// trigger builds a trigger for hub with the connections in env vars, as a
// Functions app carries them.
func (w *world) trigger(t testing.TB, hubConn, storageConn string, meta map[string]string) *scalers.Trigger {
	t.Helper()
	md := map[string]string{"connectionFromEnv": "EventHubConnection", "storageConnectionFromEnv": "AzureWebJobsStorage"}
	for k, v := range meta {
		md[k] = v
	}
	tr, err := New(w.hubs, nil)(scalers.Config{Type: Type, Metadata: md, Logger: zap.NewNop(),
		Env: map[string]string{"EventHubConnection": hubConn, "AzureWebJobsStorage": storageConn}})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (w *world) createContainer(t testing.TB, name string) {
	t.Helper()
	if _, err := w.blob.CreateContainer(context.Background(), name, nil); err != nil {
		t.Fatalf("create container %s: %v", name, err)
	}
}

func (w *world) upload(t testing.TB, container, name string, body []byte, md map[string]*string) {
	t.Helper()
	_, err := w.blob.UploadBuffer(context.Background(), container, name, body, &azblob.UploadBufferOptions{Metadata: md})
	if err != nil {
		t.Fatalf("upload %s/%s: %v", container, name, err)
	}
}

// writer writes one partition's checkpoint in a strategy's layout, the
// way the software that uses the strategy writes it.
type writer func(t testing.TB, w *world, container, hub, cg, id string, seq int64)

// functionsV5 writes as the Functions Event Hubs extension 5+ (the .NET
// blob checkpoint store): metadata on a lower-case path.
func functionsV5(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	name := strings.ToLower(w.peer.FullyQualifiedNamespace()+"/"+hub+"/"+cg) + "/checkpoint/" + id
	w.upload(t, container, name, nil, map[string]*string{"sequencenumber": to.Ptr(strconv.FormatInt(seq, 10)), "offset": to.Ptr(strconv.FormatInt(seq*100, 10))})
}

// functionsLegacy writes as the WebJobs extension before 5.0: a JSON
// lease blob.
func functionsLegacy(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	body, _ := json.Marshal(map[string]any{"PartitionId": id, "Owner": "host", "Token": "t", "Epoch": 1, "Offset": strconv.FormatInt(seq*100, 10), "SequenceNumber": seq})
	w.upload(t, container, w.peer.FullyQualifiedNamespace()+"/"+hub+"/"+cg+"/"+id, body, nil)
}

// goSDKStore writes with azeventhubs' own blob checkpoint store.
func goSDKStore(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	store, err := checkpoints.NewBlobStore(w.blob.ServiceClient().NewContainerClient(container), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = store.SetCheckpoint(context.Background(), azeventhubs.Checkpoint{ConsumerGroup: cg, EventHubName: hub,
		FullyQualifiedNamespace: w.peer.FullyQualifiedNamespace(), PartitionID: id, SequenceNumber: to.Ptr(seq), Offset: to.Ptr("0")}, nil)
	if err != nil {
		t.Fatalf("set checkpoint: %v", err)
	}
}

func goSDKLegacyJSON(seq int64, id string) []byte {
	body, _ := json.Marshal(map[string]any{"partitionId": id, "epoch": 0, "owner": "", "state": "available",
		"checkpoint": map[string]any{"offset": "0", "sequenceNumber": seq, "enqueueTime": "0001-01-01T00:00:00Z"}})
	return body
}

// goSDKLegacy writes as azure-event-hubs-go's storage leaser.
func goSDKLegacy(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	w.upload(t, container, id, goSDKLegacyJSON(seq, id), nil)
}

// daprLegacy writes as Dapr before 1.10.
func daprLegacy(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	w.upload(t, container, "dapr-"+hub+"-"+cg+"-"+id, goSDKLegacyJSON(seq, id), nil)
}

// pythonLegacy writes as the older Python SDK, read by the default strategy.
func pythonLegacy(t testing.TB, w *world, container, hub, cg, id string, seq int64) {
	body, _ := json.Marshal(map[string]any{"partition_id": id, "sequence_number": seq, "offset": "0"})
	w.upload(t, container, cg+"/"+id, body, nil)
}
