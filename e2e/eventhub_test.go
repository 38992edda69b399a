//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
	"github.com/sluice-dev/sluice/pkg/testpeers/eventhubs"
)

// TestEventHubFunctionsApp deploys the node-eventhub fixture project with
// `sluice deploy` against a real Azurite (checkpoints) and the Event Hubs
// peer (partition properties over AMQP), and follows the whole story with
// the real HPA controller as events arrive and the Functions host
// checkpoints: 0 → 1 on the first events, 1 → n (capped at one replica per
// partition), n → 1, 1 → 0 after the cooldown.
func TestEventHubFunctionsApp(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	az := azurite.New(t, azurite.Options{NoQueue: true, InMemory: true})
	peer := eventhubs.New(t, eventhubs.Options{})
	const hub, partitions = "readings", 4
	setAll := func(last int64) {
		t.Helper()
		for i := range partitions {
			if err := peer.SetPartition(ctx, hub, eventhubs.Partition{ID: strconv.Itoa(i), Begin: 0, Last: last}); err != nil {
				t.Fatal(err)
			}
		}
	}
	empty := make([]eventhubs.Partition, partitions)
	for i := range empty {
		empty[i] = eventhubs.Partition{ID: strconv.Itoa(i), Begin: 0, Last: -1}
	}
	if err := peer.SetHub(ctx, hub, empty); err != nil {
		t.Fatal(err)
	}

	// The fixture with its connection settings pointing at the peers.
	dir := filepath.Join(t.TempDir(), "app")
	if err := os.CopyFS(dir, os.DirFS("../pkg/appmanifests/testdata/projects/node-eventhub")); err != nil {
		t.Fatal(err)
	}
	settings := map[string]any{"IsEncrypted": false, "Values": map[string]string{
		"FUNCTIONS_WORKER_RUNTIME": "node",
		"AzureWebJobsStorage":      az.ConnectionString(),
		"EventHubConnection":       peer.ConnectionString(),
		"TelemetryHub":             hub,
	}}
	raw, err := json.Marshal(settings)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "local.settings.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}

	a := startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	res := sluiceCLI(t, cluster, "deploy", "--name", "telemetry", "--namespace", ns, "--image-name", "example.invalid/telemetry:1",
		"--polling-interval", "1", "--cooldown-period", "5", "--max-replicas", "10", dir)
	if res.err != nil {
		t.Fatalf("sluice deploy: %v", res.err)
	}
	replicas := func() int32 { return deploymentReplicas(t, ns, "telemetry") }
	eventually(t, phase, "the HPA exists", func() error {
		_, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-telemetry", metav1.GetOptions{})
		return err
	})
	holdReplicas(t, 3*time.Second, "idle at 0 while every partition is empty", 0, ns, "telemetry")

	// The first events: no checkpoint and no container yet (the app never
	// ran), so every retained event counts.
	if err := peer.SetPartition(ctx, hub, eventhubs.Partition{ID: "0", Begin: 0, Last: 4}); err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, phase, "activated to 1 by 5 events", 1, replicas)

	// 400 events: host.json's targetUnprocessedEventThreshold is 10, but 4
	// partitions serve at most 4 consumers, so the value is capped at 40.
	setAll(99)
	waitReplicas(t, phase, "the HPA scales to one replica per partition", partitions, replicas)
	eventually(t, phase, "the capped value through kube-apiserver", servedIs(ctx, t, ns, "s0-azure-eventhub-$Default", "telemetry", "40"))

	// The Functions host checkpoints (extension 5: blob metadata).
	blob, err := azblob.NewClientFromConnectionString(az.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blob.CreateContainer(ctx, "azure-webjobs-eventhub", nil); err != nil {
		t.Fatal(err)
	}
	checkpointAll := func(seq int64) {
		t.Helper()
		for i := range partitions {
			name := strings.ToLower(peer.FullyQualifiedNamespace()+"/"+hub+"/$Default") + "/checkpoint/" + strconv.Itoa(i)
			s := strconv.FormatInt(seq, 10)
			_, err := blob.UploadBuffer(ctx, "azure-webjobs-eventhub", name, nil,
				&azblob.UploadBufferOptions{Metadata: map[string]*string{"sequencenumber": &s, "offset": &s}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	checkpointAll(97) // 2 left per partition: 8, one replica's worth
	waitReplicas(t, phase, "the HPA scales back to 1", 1, replicas)
	holdReplicas(t, 8*time.Second, "held at 1 while 8 events remain, past the cooldown", 1, ns, "telemetry")
	checkpointAll(99)
	waitReplicas(t, phase, "deactivated to 0 after the cooldown", 0, replicas)

	if a.Exited() {
		t.Fatal("the adapter exited")
	}
	a.stopExpectingNoSecrets(t, map[string]string{"the Event Hubs key": peer.Key, "the account key": azurite.AccountKey})
	so, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Get(ctx, "telemetry", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprintf("%+v", so.Status); strings.Contains(s, peer.Key) || strings.Contains(s, azurite.AccountKey) {
		t.Error("the ScaledObject's status holds a key")
	}
}
