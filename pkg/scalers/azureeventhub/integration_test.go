//go:build integration

package azureeventhub

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
	"github.com/sluice-dev/sluice/pkg/testpeers/eventhubs"
)

// poll polls tr's source once with a deadline.
func poll(t testing.TB, tr *scalers.Trigger) (value, activity float64, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return tr.Source.(scalers.ActivitySource).PollActivity(ctx)
}

// fourPartitions: 0 is 10 behind its checkpoint, 1 has 10 events and no
// checkpoint, 2 is empty, 3 is caught up: 20 unprocessed.
var fourPartitions = []eventhubs.Partition{{ID: "0", Begin: 0, Last: 99}, {ID: "1", Begin: 0, Last: 9}, {ID: "2", Begin: 0, Last: -1}, {ID: "3", Begin: 0, Last: 49}}

func TestCheckpointStrategies(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		name, strategy, container, cg string
		write                         writer
	}{
		{"functions extension 5 by default", "", "", "$Default", functionsV5},
		{"functions extension 5", StrategyAzureFunction, "", "$Default", functionsV5},
		{"functions before extension 5", StrategyAzureFunction, "", "$Default", functionsLegacy},
		{"blob metadata, Functions host", StrategyBlobMetadata, "fnhost", "Workers", functionsV5},
		{"blob metadata, Go SDK store", StrategyBlobMetadata, "gosdk", "$Default", goSDKStore},
		{"goSdk", StrategyGoSdk, "legacygo", "$Default", goSDKLegacy},
		{"dapr", StrategyDapr, "dapr", "$Default", daprLegacy},
		{"default with a container", "", "python", "$Default", pythonLegacy},
	}
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := "hub" + strconv.Itoa(i)
			if err := w.peer.SetHub(ctx, hub, fourPartitions); err != nil {
				t.Fatal(err)
			}
			container := tt.container
			if container == "" {
				container = FunctionsContainer
			}
			if i == 0 || tt.container != "" { // azure-webjobs-eventhub is shared by the Functions cases
				w.createContainer(t, container)
			}
			tt.write(t, w, container, hub, tt.cg, "0", 89)
			tt.write(t, w, container, hub, tt.cg, "3", 49)
			meta := map[string]string{"eventHubName": hub, "consumerGroup": tt.cg, "checkpointStrategy": tt.strategy, "blobContainer": tt.container}
			tr := w.trigger(t, w.peer.ConnectionString(), w.az.ConnectionString(), meta)
			v, a, err := poll(t, tr)
			if err != nil || v != 20 || a != 20 {
				t.Fatalf("poll = %v, %v, %v; want 20, 20", v, a, err)
			}
			// Events arrive in partition 2, the consumer catches up on 0.
			if err := w.peer.SetPartition(ctx, hub, eventhubs.Partition{ID: "2", Begin: 0, Last: 4}); err != nil {
				t.Fatal(err)
			}
			tt.write(t, w, container, hub, tt.cg, "0", 99)
			if v, a, err = poll(t, tr); err != nil || v != 15 || a != 15 {
				t.Fatalf("after progress poll = %v, %v, %v; want 15, 15", v, a, err)
			}
			// The cap: 4 partitions at 2 per replica serve at most 8.
			meta["unprocessedEventThreshold"] = "2"
			tr = w.trigger(t, w.peer.ConnectionString(), w.az.ConnectionString(), meta)
			if v, a, err = poll(t, tr); err != nil || v != 8 || a != 15 {
				t.Fatalf("capped poll = %v, %v, %v; want 8, 15", v, a, err)
			}
		})
	}
	if n := w.hubs.Len(); n != len(tests) {
		t.Errorf("hub clients = %d, want one per hub (%d)", n, len(tests))
	}
}

func TestMissingContainer(t *testing.T) {
	w := newWorld(t)
	if err := w.peer.SetHub(context.Background(), "orders", fourPartitions); err != nil {
		t.Fatal(err)
	}
	for _, strategy := range []string{StrategyAzureFunction, StrategyBlobMetadata, StrategyGoSdk} {
		t.Run(strategy, func(t *testing.T) {
			tr := w.trigger(t, w.peer.ConnectionString(), w.az.ConnectionString(),
				map[string]string{"eventHubName": "orders", "checkpointStrategy": strategy, "blobContainer": "absent"})
			v, a, err := poll(t, tr)
			if err != nil || v != 160 || a != 160 { // every retained event: 100 + 10 + 0 + 50
				t.Fatalf("poll = %v, %v, %v; want 160, 160", v, a, err)
			}
		})
	}
}

func TestWrongKeys(t *testing.T) {
	w := newWorld(t)
	if err := w.peer.SetHub(context.Background(), "orders", fourPartitions); err != nil {
		t.Fatal(err)
	}
	const wrongStorage = "d3Jvbmcta2V5LWZvci10aGUtc3RvcmFnZS1hY2NvdW50"
	const wrongHub = "d3Jvbmcta2V5LWZvci10aGUtaHVi"
	tests := []struct {
		name, hubConn, storageConn, secret, want string
	}{
		{"storage", w.peer.ConnectionString(), w.az.ConnectionStringWithKey(wrongStorage), wrongStorage, "authentication failed"},
		{"event hub", w.peer.ConnectionStringWithKey(wrongHub), w.az.ConnectionString(), wrongHub, "401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := w.trigger(t, tt.hubConn, tt.storageConn, map[string]string{"eventHubName": "orders"})
			_, _, err := poll(t, tr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.secret) || strings.Contains(err.Error(), azurite.AccountKey) || strings.Contains(err.Error(), w.peer.Key) {
				t.Fatalf("error shows a key: %v", err)
			}
		})
	}
}

func TestPeerDown(t *testing.T) {
	w := newWorld(t)
	if err := w.peer.SetHub(context.Background(), "orders", fourPartitions); err != nil {
		t.Fatal(err)
	}
	tr := w.trigger(t, w.peer.ConnectionString(), w.az.ConnectionString(), map[string]string{"eventHubName": "orders"})
	if _, _, err := poll(t, tr); err != nil {
		t.Fatal(err)
	}
	w.peer.Stop()
	start := time.Now()
	v, a, err := poll(t, tr)
	if err == nil {
		t.Fatalf("poll with the peer down = %v, %v; want an error", v, a)
	}
	t.Logf("peer down after %v: %v", time.Since(start), err)

	// An unknown hub is an error too, never 0.
	w2 := newWorld(t)
	tr = w2.trigger(t, w2.peer.ConnectionString(), w2.az.ConnectionString(), map[string]string{"eventHubName": "nohub"})
	if v, _, err := poll(t, tr); err == nil || !strings.Contains(err.Error(), "could not be found") {
		t.Fatalf("poll of a missing hub = %v, %v", v, err)
	}
}

func BenchmarkPoll32Partitions(b *testing.B) {
	w := newWorld(b)
	parts := make([]eventhubs.Partition, 32)
	for i := range parts {
		parts[i] = eventhubs.Partition{ID: strconv.Itoa(i), Begin: 0, Last: int64(1000 + i)}
	}
	if err := w.peer.SetHub(context.Background(), "big", parts); err != nil {
		b.Fatal(err)
	}
	w.createContainer(b, FunctionsContainer)
	for i := range parts {
		functionsV5(b, w, FunctionsContainer, "big", "$Default", strconv.Itoa(i), 990)
	}
	tr := w.trigger(b, w.peer.ConnectionString(), w.az.ConnectionString(), map[string]string{"eventHubName": "big"})
	if v, _, err := poll(b, tr); err != nil || v != 816 {
		b.Fatalf("poll = %v, %v", v, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := poll(b, tr); err != nil {
			b.Fatal(err)
		}
	}
}
