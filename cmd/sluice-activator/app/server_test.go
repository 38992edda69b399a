package app

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/health"
)

// TestServeOnPortZero binds port 0, reads the bound address from the file
// as a test harness would, serves there until cancelled and then stops.
func TestServeOnPortZero(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	file := filepath.Join(t.TempDir(), "bound.json")
	ln, err := listen(ctx, "127.0.0.1:0", file)
	if err != nil {
		t.Fatal(err)
	}
	bound, err := boundaddrs.Read(file)
	if err != nil {
		t.Fatal(err)
	}
	addr := bound[boundaddrs.Metrics]
	if addr != ln.Addr().String() || strings.HasSuffix(addr, ":0") {
		t.Fatalf("bound address %q, want the listener's %v", addr, ln.Addr())
	}
	done := make(chan error, 1)
	go func() {
		done <- health.Serve(ctx, ln, prometheus.NewRegistry(), func() error { return nil }, zap.NewNop())
	}()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		_ = resp.Body.Close()
		t.Error("still serving after cancel")
	}
}

func TestListenFails(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	tests := []struct {
		name, addr, file string
	}{
		{"address in use", taken.Addr().String(), filepath.Join(dir, "a.json")},
		{"file not writable", "127.0.0.1:0", filepath.Join(dir, "missing", "b.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ln, err := listen(context.Background(), tt.addr, tt.file); err == nil {
				_ = ln.Close()
				t.Fatal("listen succeeded")
			}
			if _, err := os.Stat(tt.file); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("bound-addresses file written after a failure: %v", err)
			}
		})
	}
}
