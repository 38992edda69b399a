//go:build integration

package azureblob

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/azstorage"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
)

// azuriteContainer starts Azurite's blob service in memory and creates
// the container name.
func azuriteContainer(t testing.TB, name string) (*azurite.Azurite, *container.Client) {
	t.Helper()
	az := azurite.New(t, azurite.Options{NoQueue: true, InMemory: true})
	svc, err := service.NewClientFromConnectionString(az.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := svc.NewContainerClient(name)
	if _, err := c.Create(context.Background(), nil); err != nil {
		t.Fatalf("create container %s: %v", name, err)
	}
	return az, c
}

// upload writes a tiny blob under each name, 32 at a time.
func upload(t testing.TB, c *container.Client, names ...string) {
	t.Helper()
	ctx := context.Background()
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				_, err := c.NewBlockBlobClient(name).UploadBuffer(ctx, []byte("x"), nil)
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("upload %s: %w", name, err))
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		work <- n
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func trigger(t testing.TB, conn string, meta map[string]string) *scalers.Trigger {
	t.Helper()
	md := map[string]string{"connectionFromEnv": "AzureWebJobsStorage"}
	for k, v := range meta {
		md[k] = v
	}
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: md,
		Env: map[string]string{"AzureWebJobsStorage": conn}, Logger: zap.NewNop()})
	if err != nil {
		t.Fatalf("new trigger: %v", err)
	}
	return tr
}

func poll(t testing.TB, tr *scalers.Trigger) (float64, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return tr.Source.Poll(ctx)
}

func TestAzuriteBlobCount(t *testing.T) {
	az, c := azuriteContainer(t, "files")
	conn := az.ConnectionString()
	if v, err := poll(t, trigger(t, conn, map[string]string{"blobContainerName": "files"})); err != nil || v != 0 {
		t.Fatalf("empty container: %v, %v; want 0", v, err)
	}
	upload(t, c, "a.csv", "b.txt", "in/1.csv", "in/2.csv", "in/3.json", "in/deep/4.csv", "in/deep/5.csv", "input2/6.csv")
	tests := []struct {
		name string
		meta map[string]string
		want float64
	}{
		{"top level only", map[string]string{}, 2},
		{"recursive", map[string]string{"recursive": "true"}, 8},
		{"prefix", map[string]string{"blobPrefix": "in"}, 3},
		{"prefix with delimiter written", map[string]string{"blobPrefix": "in/"}, 3},
		{"prefix recursive", map[string]string{"blobPrefix": "in/", "recursive": "true"}, 5},
		{"prefix recursive without delimiter", map[string]string{"blobPrefix": "in", "recursive": "true"}, 6},
		{"nested prefix", map[string]string{"blobPrefix": "in/deep"}, 2},
		{"other delimiter", map[string]string{"blobDelimiter": "."}, 0},
		{"glob", map[string]string{"globPattern": "*.csv"}, 6},
		// * crosses "/", as in KEDA: in/deep/4.csv and 5.csv match too.
		{"glob with prefix", map[string]string{"globPattern": "in/*.csv", "blobPrefix": "in"}, 4},
		{"glob one character", map[string]string{"globPattern": "in/?.csv"}, 2},
		{"glob alternatives", map[string]string{"globPattern": "{a,b}.*"}, 2},
		{"glob class", map[string]string{"globPattern": "in/[12].csv"}, 2},
		// KEDA strips a leading "/": blob names never start with one.
		{"glob with leading slash", map[string]string{"globPattern": "/in/*.csv"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.meta["blobContainerName"] = "files"
			v, err := poll(t, trigger(t, conn, tt.meta))
			if err != nil || v != tt.want {
				t.Fatalf("count = %v, %v; want %v", v, err, tt.want)
			}
		})
	}
}

func TestAzuriteBlobPaging(t *testing.T) {
	az, c := azuriteContainer(t, "big")
	const n = 5100
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("d/%05d", i)
	}
	start := time.Now()
	upload(t, c, names...)
	t.Logf("uploaded %d blobs in %v", n, time.Since(start).Round(time.Millisecond))
	for _, meta := range []map[string]string{
		{"blobPrefix": "d"},
		{"recursive": "true"},
		{"globPattern": "d/*"},
	} {
		meta["blobContainerName"] = "big"
		v, err := poll(t, trigger(t, az.ConnectionString(), meta))
		if err != nil || v != n {
			t.Fatalf("%v: count = %v, %v; want %d", meta, v, err, n)
		}
	}
}

func TestAzuriteBlobErrors(t *testing.T) {
	az, _ := azuriteContainer(t, "exists")
	_, err := poll(t, trigger(t, az.ConnectionString(), map[string]string{"blobContainerName": "missing"}))
	var se *azstorage.StorageError
	if !errors.As(err, &se) || err.Error() != "list blobs: 404 ContainerNotFound" {
		t.Fatalf("missing container: %v, want list blobs: 404 ContainerNotFound", err)
	}
	const wrongKey = "d3Jvbmcta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbG9vay1yZWFsLXNlY3JldA=="
	_, err = poll(t, trigger(t, az.ConnectionStringWithKey(wrongKey), map[string]string{"blobContainerName": "exists"}))
	if !errors.As(err, &se) || !se.AuthFailure() || strings.Contains(err.Error(), wrongKey) ||
		!strings.HasSuffix(err.Error(), "check the account key") {
		t.Fatalf("wrong key: %v, want an authentication error without the key", err)
	}
}

func BenchmarkAzuritePoll(b *testing.B) {
	az, c := azuriteContainer(b, "bench")
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("b%03d", i)
	}
	upload(b, c, names...)
	tr := trigger(b, az.ConnectionString(), map[string]string{"blobContainerName": "bench"})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Source.Poll(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
