package testenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"time"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
)

// WaitBoundAddresses waits until p, one of Sluice's programs started with
// port 0 and --bound-addresses-file=path, has written the addresses it
// bound, and returns those named (boundaddrs.Metrics, boundaddrs.Secure).
// It fails with p's log when p exits first or ctx ends, and when a name is
// missing from the file.
func WaitBoundAddresses(ctx context.Context, p *Process, path string, names ...string) (map[string]*net.TCPAddr, error) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		m, err := boundaddrs.Read(path)
		if err == nil {
			return pickAddrs(m, path, names)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p.Failure(err)
		}
		select {
		case <-p.Done():
			return nil, p.Failure(fmt.Errorf("exited before writing %s", path))
		case <-ctx.Done():
			return nil, p.Failure(fmt.Errorf("wait for %s: %w", path, ctx.Err()))
		case <-tick.C:
		}
	}
}

// pickAddrs parses the named addresses of m.
func pickAddrs(m map[string]string, path string, names []string) (map[string]*net.TCPAddr, error) {
	out := make(map[string]*net.TCPAddr, len(names))
	for _, name := range names {
		s, ok := m[name]
		if !ok {
			return nil, fmt.Errorf("%s names no %q listener: %v", path, name, m)
		}
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %s listener: %w", path, name, err)
		}
		out[name] = net.TCPAddrFromAddrPort(ap)
	}
	return out, nil
}
