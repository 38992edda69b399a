//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// balancer is a TCP proxy on 127.0.0.1 that spreads connections over
// backends round robin and skips one that refuses, as a Service spreads
// them over ready pods: what lets the aggregator reach two adapter
// replicas through one APIService. TLS passes through.
type balancer struct {
	ln       net.Listener
	mu       sync.Mutex
	backends []string
	next     int
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
}

// newBalancer listens on a free port until the test ends.
func newBalancer(t *testing.T) *balancer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &balancer{ln: ln, conns: map[net.Conn]bool{}}
	b.wg.Go(b.serve)
	t.Cleanup(func() {
		_ = ln.Close()
		b.mu.Lock()
		for c := range b.conns {
			_ = c.Close()
		}
		b.mu.Unlock()
		b.wg.Wait()
	})
	return b
}

func (b *balancer) port() int { return b.ln.Addr().(*net.TCPAddr).Port }

func (b *balancer) add(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.backends = append(b.backends, addr)
}

func (b *balancer) serve() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.wg.Go(func() { b.proxy(c) })
	}
}

// track records c for the cleanup; false when the balancer is closing.
func (b *balancer) track(c net.Conn, on bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if on {
		b.conns[c] = true
	} else {
		delete(b.conns, c)
	}
}

func (b *balancer) proxy(client net.Conn) {
	b.track(client, true)
	defer b.track(client, false)
	defer func() { _ = client.Close() }()
	b.mu.Lock()
	order := make([]string, 0, len(b.backends))
	for i := range b.backends {
		order = append(order, b.backends[(b.next+i)%len(b.backends)])
	}
	b.next++
	b.mu.Unlock()
	var backend net.Conn
	for _, addr := range order {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err == nil {
			backend = c
			break
		}
	}
	if backend == nil {
		return
	}
	b.track(backend, true)
	defer b.track(backend, false)
	defer func() { _ = backend.Close() }()
	var wg sync.WaitGroup
	wg.Go(func() {
		_, _ = io.Copy(backend, client)
		_ = backend.Close()
	})
	_, _ = io.Copy(client, backend)
	_ = client.Close()
	wg.Wait()
}

// leads reports whether p's log says it started a leadership term.
func leads(t *testing.T, p *testenv.Process) bool {
	t.Helper()
	b, err := os.ReadFile(p.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(`"msg":"leading"`))
}
