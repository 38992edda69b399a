//go:build integration

package azurite

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

func TestStartStop(t *testing.T) {
	start := time.Now()
	a := New(t, Options{})
	t.Logf("queue on %d, blob on %d, started in %v", a.QueuePort, a.BlobPort, time.Since(start).Round(time.Millisecond))
	if a.QueuePort == 0 || a.BlobPort == 0 || a.QueuePort == a.BlobPort {
		t.Fatalf("ports %d, %d", a.QueuePort, a.BlobPort)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	qs, err := azqueue.NewServiceClientFromConnectionString(a.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := qs.CreateQueue(ctx, "peer", nil); err != nil {
		t.Fatalf("create queue: %v", err)
	}
	bs, err := service.NewClientFromConnectionString(a.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bs.CreateContainer(ctx, "peer", nil); err != nil {
		t.Fatalf("create container: %v", err)
	}
	a.Stop()
	a.Stop() // idempotent
	for _, port := range []int{a.QueuePort, a.BlobPort} {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
			_ = c.Close()
			t.Fatalf("port %d still open after Stop", port)
		}
	}
}

func TestStartCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, Options{Dir: t.TempDir()}); err == nil {
		t.Fatal("Start with a canceled context succeeded")
	}
}

// TestStartOnTakenPort holds the port Azurite is asked for, as a process
// that took it first would: Start must fail saying so, not mistake the
// holder for Azurite.
func TestStartOnTakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	a, err := Start(context.Background(), Options{NoBlob: true, QueuePort: port, Dir: t.TempDir(), InMemory: true})
	if err == nil {
		a.Stop()
		t.Fatal("Start on a taken port succeeded")
	}
	if !testenv.AddrInUse(err) {
		t.Errorf("Start on a taken port: %v, want address in use", err)
	}
}
