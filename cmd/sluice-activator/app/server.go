package app

import (
	"context"
	"fmt"
	"net"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
)

// listen binds addr and writes the bound address to boundFile (nothing
// when empty).
func listen(ctx context.Context, addr, boundFile string) (net.Listener, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if err := boundaddrs.Write(boundFile, map[string]net.Addr{boundaddrs.Metrics: ln.Addr()}); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return ln, nil
}
