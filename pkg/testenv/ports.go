package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// Ports a program picks itself are best: a listener on port 0 cannot race.
// Programs that cannot report the port they bound are given ports that were
// free a moment before they start; another process can take such a port in
// between. WithFreePorts turns that race into a retry.

// portAttempts is how often WithFreePorts tries before it gives up.
const portAttempts = 5

// AddrInUse reports whether err says that a listen address was already in
// use: the syscall error itself, or a process failure whose log says so
// (Go's "address already in use", Node's EADDRINUSE, Erlang's eaddrinuse).
func AddrInUse(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "address already in use") || strings.Contains(s, "eaddrinuse")
}

// WithFreePorts calls start with n distinct loopback ports that were free a
// moment ago. When start fails because one of them was taken in between
// (AddrInUse), start must have stopped what it started; WithFreePorts then
// says why in logf (t.Logf in tests; may be nil) and tries again with fresh
// ports, up to five times. Any other error, or ctx ending, is returned at
// once.
func WithFreePorts(ctx context.Context, n int, logf func(format string, args ...any), start func(ports []int) error) error {
	var err error
	for attempt := 1; attempt <= portAttempts; attempt++ {
		if cerr := ctx.Err(); cerr != nil {
			return errors.Join(cerr, err)
		}
		var ports []int
		if ports, err = freePorts(n); err != nil {
			return err
		}
		if err = start(ports); err == nil || !AddrInUse(err) {
			return err
		}
		if logf != nil {
			logf("ports %v were taken before the program bound them (attempt %d of %d), trying fresh ones: %s",
				ports, attempt, portAttempts, inUseLine(err))
		}
	}
	return fmt.Errorf("no free ports after %d attempts: %w", portAttempts, err)
}

// inUseLine returns the line of err's message that says an address was in
// use (a process failure carries it in its log tail), or the first line.
func inUseLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	for _, l := range lines {
		if AddrInUse(errors.New(l)) {
			return strings.TrimSpace(l)
		}
	}
	return lines[0]
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freePorts returns n distinct free ports.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	seen := map[int]bool{}
	for len(ports) < n {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}
