package testenv

import (
	"context"
	"errors"
	"fmt"
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
			logf("ports %v were taken before the program bound them (attempt %d of %d), trying fresh ones: %v",
				ports, attempt, portAttempts, firstLine(err))
		}
	}
	return fmt.Errorf("no free ports after %d attempts: %w", portAttempts, err)
}

// firstLine returns err's message up to its first newline.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
