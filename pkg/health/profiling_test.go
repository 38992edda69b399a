package health

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
)

// TestServeProfiling: with profiling on, the listener serves a live heap
// profile and the pprof index beside the health endpoints, and never the
// command line; with it off (the default), /debug/pprof/ is 404.
func TestServeProfiling(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want map[string]int
	}{
		{"off by default", nil, map[string]int{
			"/debug/pprof/heap": http.StatusNotFound, "/debug/pprof/": http.StatusNotFound, "/healthz": http.StatusOK,
		}},
		{"off", []Option{WithProfiling(false)}, map[string]int{
			"/debug/pprof/heap": http.StatusNotFound, "/metrics": http.StatusOK,
		}},
		{"on", []Option{WithProfiling(true)}, map[string]int{
			"/debug/pprof/heap": http.StatusOK, "/debug/pprof/heap?debug=1": http.StatusOK,
			"/debug/pprof/": http.StatusOK, "/debug/pprof/goroutine?debug=1": http.StatusOK,
			"/debug/pprof/cmdline": http.StatusNotFound, "/debug/pprof/nosuch": http.StatusNotFound,
			"/healthz": http.StatusOK, "/readyz": http.StatusOK, "/metrics": http.StatusOK, "/nosuch": http.StatusNotFound,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := serveForTest(t, tt.opts...)
			for path, want := range tt.want {
				if code, _ := get(t, base+path); code != want {
					t.Errorf("GET %s = %d, want %d", path, code, want)
				}
			}
		})
	}
}

// TestProfilingHeapIsLive: the heap profile is the program's own, read
// after a GC: its text form names the runtime's memory statistics and the
// function that allocates what this test keeps.
func TestProfilingHeapIsLive(t *testing.T) {
	base := serveForTest(t, WithProfiling(true))
	code, body := get(t, base+"/debug/pprof/heap?debug=1&gc=1")
	if code != http.StatusOK {
		t.Fatalf("GET /debug/pprof/heap = %d", code)
	}
	for _, want := range []string{"heap profile:", "# runtime.MemStats", "# HeapAlloc = "} {
		if !strings.Contains(body, want) {
			t.Errorf("heap profile lacks %q:\n%.500s", want, body)
		}
	}
}

// TestProfilingFlag: --profiling is off by default, parses, and its help is
// in the programs' voice.
func TestProfilingFlag(t *testing.T) {
	var on bool
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	AddProfilingFlag(fs, &on)
	if p := helpvoice.Check(fs); len(p) > 0 {
		t.Errorf("help out of voice: %v", p)
	}
	if f := fs.Lookup("profiling"); f == nil || f.DefValue != "false" {
		t.Fatalf("--profiling = %+v, want a flag defaulting to false", f)
	}
	if err := fs.Parse([]string{"--profiling"}); err != nil || !on {
		t.Errorf("parse --profiling: on = %v, err = %v", on, err)
	}
}

// serveForTest runs Serve on a loopback listener until the test ends and
// returns its base URL.
func serveForTest(t *testing.T, opts ...Option) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, l, prometheus.NewRegistry(), func() error { return nil }, zap.NewNop(), opts...)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Serve = %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("Serve did not return after cancel")
		}
	})
	return "http://" + l.Addr().String()
}

// get returns the status and body of GET url.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
