//go:build integration

package azurequeue

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
)

// azuriteQueue starts Azurite's queue service, creates the queue name and
// returns the emulator with a client for it.
func azuriteQueue(t testing.TB, name string) (*azurite.Azurite, *azqueue.QueueClient) {
	t.Helper()
	az := azurite.New(t, azurite.Options{NoBlob: true})
	return az, createQueue(t, az, name)
}

func createQueue(t testing.TB, az *azurite.Azurite, name string) *azqueue.QueueClient {
	t.Helper()
	svc, err := azqueue.NewServiceClientFromConnectionString(az.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	q := svc.NewQueueClient(name)
	if _, err := q.Create(context.Background(), nil); err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	return q
}

func enqueue(t testing.TB, q *azqueue.QueueClient, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := q.EnqueueMessage(context.Background(), "m"+strconv.Itoa(i), nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("enqueue: %v", err)
		}
	}
}

// trigger builds a trigger with the connection string in an env var, as
// a Functions app carries it.
func trigger(t testing.TB, conn string, meta map[string]string, logger *zap.Logger) *scalers.Trigger {
	t.Helper()
	md := map[string]string{"connectionFromEnv": "AzureWebJobsStorage"}
	for k, v := range meta {
		md[k] = v
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	tr, err := New(nil)(scalers.Config{Index: 0, Type: Type, Metadata: md,
		Env: map[string]string{"AzureWebJobsStorage": conn}, Logger: logger})
	if err != nil {
		t.Fatalf("new trigger: %v", err)
	}
	return tr
}

func poll(t testing.TB, tr *scalers.Trigger) float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := tr.Source.Poll(ctx)
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return v
}

func TestAzuriteQueueLength(t *testing.T) {
	az, q := azuriteQueue(t, "jobs")
	all := trigger(t, az.ConnectionString(), map[string]string{"queueName": "jobs", "activationQueueLength": "0"}, nil)
	visible := trigger(t, az.ConnectionString(), map[string]string{"queueName": "jobs", "queueLengthStrategy": "visibleonly"}, nil)

	if v := poll(t, all); v != 0 || v > all.ActivationTarget {
		t.Fatalf("empty queue: %v (activation %v), want 0 and inactive", v, all.ActivationTarget)
	}
	if v := poll(t, visible); v != 0 {
		t.Fatalf("empty queue, visibleonly: %v, want 0", v)
	}
	enqueue(t, q, 7)
	if v := poll(t, all); v != 7 {
		t.Fatalf("7 messages: %v, want 7", v)
	}
	// Hide 3 with a receive: all still counts them, visibleonly does not.
	n := int32(3)
	hidden := int32(60)
	resp, err := q.DequeueMessages(context.Background(), &azqueue.DequeueMessagesOptions{NumberOfMessages: &n, VisibilityTimeout: &hidden})
	if err != nil || len(resp.Messages) != 3 {
		t.Fatalf("receive 3: %d messages, %v", len(resp.Messages), err)
	}
	if v := poll(t, all); v != 7 {
		t.Fatalf("all with 3 hidden: %v, want 7", v)
	}
	if v := poll(t, visible); v != 4 {
		t.Fatalf("visibleonly with 3 hidden: %v, want 4", v)
	}
}

func TestAzuriteVisibleOnlyFallsBack(t *testing.T) {
	az, q := azuriteQueue(t, "many")
	enqueue(t, q, 40)
	n, hidden := int32(2), int32(60)
	if _, err := q.DequeueMessages(context.Background(), &azqueue.DequeueMessagesOptions{NumberOfMessages: &n, VisibilityTimeout: &hidden}); err != nil {
		t.Fatal(err)
	}
	visible := trigger(t, az.ConnectionString(), map[string]string{"queueName": "many", "queueLengthStrategy": "visibleonly"}, nil)
	// 38 visible: the peek returns 32, so the approximate count (40, hidden
	// ones included) is used, as KEDA does.
	if v := poll(t, visible); v != 40 {
		t.Fatalf("visibleonly with 38 visible: %v, want the approximate count 40", v)
	}
}

func TestAzuriteQueueErrors(t *testing.T) {
	az, _ := azuriteQueue(t, "exists")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	missing := trigger(t, az.ConnectionString(), map[string]string{"queueName": "missing"}, nil)
	_, err := missing.Source.Poll(ctx)
	var se *azstorage.StorageError
	if !errors.As(err, &se) || se.StatusCode != 404 || err.Error() != "get queue properties: 404 QueueNotFound" {
		t.Fatalf("missing queue: %v, want get queue properties: 404 QueueNotFound", err)
	}

	const wrongKey = "d3Jvbmcta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbG9vay1yZWFsLXNlY3JldA=="
	core, logs := observer.New(zap.DebugLevel)
	for _, strategy := range []string{StrategyAll, StrategyVisibleOnly} {
		bad := trigger(t, az.ConnectionStringWithKey(wrongKey), map[string]string{"queueName": "exists", "queueLengthStrategy": strategy}, zap.New(core))
		_, err = bad.Source.Poll(ctx)
		if err == nil || !errors.As(err, &se) || !se.AuthFailure() || !strings.Contains(err.Error(), "authentication failed (403 AuthenticationFailed)") {
			t.Fatalf("%s with a wrong key: %v, want an authentication error", strategy, err)
		}
		t.Logf("%s with a wrong key: %v", strategy, err)
		for _, secret := range []string{wrongKey, az.ConnectionStringWithKey(wrongKey), "sig="} {
			if strings.Contains(err.Error(), secret) || strings.Contains(bad.Key, secret) || strings.Contains(bad.Warning, secret) {
				t.Fatalf("error, key or warning shows a secret: %v", err)
			}
		}
	}
	for _, e := range logs.All() {
		if strings.Contains(e.Message+fmt.Sprint(e.ContextMap()), wrongKey) {
			t.Fatalf("log line shows the key: %v", e)
		}
	}

	down := trigger(t, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="+wrongKey+";QueueEndpoint=http://127.0.0.1:1/devstoreaccount1", map[string]string{"queueName": "exists"}, nil)
	if _, err := down.Source.Poll(ctx); err == nil || strings.Contains(err.Error(), wrongKey) {
		t.Fatalf("unreachable endpoint: %v, want a connection error without the key", err)
	} else {
		t.Logf("unreachable endpoint: %v", err)
	}
}

// TestAzuriteDevelopmentStorage runs Azurite on the emulator's default
// queue port, when it is free, and polls through UseDevelopmentStorage=true.
func TestAzuriteDevelopmentStorage(t *testing.T) {
	tr := trigger(t, "UseDevelopmentStorage=true", map[string]string{"queueName": "devq"}, nil)
	if !strings.Contains(tr.Warning, "local storage emulator") || !strings.Contains(tr.Warning, "127.0.0.1:10001") {
		t.Fatalf("Warning = %q, want the local emulator named", tr.Warning)
	}
	// Only when nothing listens there: waiting for the port must not be
	// answered by another server.
	l, err := net.Listen("tcp", "127.0.0.1:10001")
	if err != nil {
		t.Skipf("port 10001 is in use: %v", err)
	}
	_ = l.Close()
	az, err := azurite.Start(context.Background(), azurite.Options{NoBlob: true, QueuePort: 10001, Dir: t.TempDir(), StartTimeout: 15 * time.Second})
	if err != nil {
		t.Skipf("port 10001 not usable for Azurite: %v", err)
	}
	t.Cleanup(az.Stop)
	enqueue(t, createQueue(t, az, "devq"), 2)
	if v := poll(t, tr); v != 2 {
		t.Fatalf("UseDevelopmentStorage=true: %v, want 2", v)
	}
}

func BenchmarkAzuritePoll(b *testing.B) {
	for _, strategy := range []string{StrategyAll, StrategyVisibleOnly} {
		b.Run(strategy, func(b *testing.B) {
			az, q := azuriteQueue(b, "bench")
			enqueue(b, q, 10)
			tr := trigger(b, az.ConnectionString(), map[string]string{"queueName": "bench", "queueLengthStrategy": strategy}, nil)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				if _, err := tr.Source.Poll(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
