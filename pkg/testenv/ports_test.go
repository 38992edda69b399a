package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
)

func TestAddrInUse(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"syscall", fmt.Errorf("listen: %w", syscall.EADDRINUSE), true},
		{"go log", errors.New("listen tcp 127.0.0.1:1: bind: address already in use"), true},
		{"node log", errors.New("Error: listen EADDRINUSE: address already in use"), true},
		{"erlang log", errors.New("failed to start ranch listener: eaddrinuse"), true},
		{"other", errors.New("connection refused"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AddrInUse(tt.err); got != tt.want {
				t.Errorf("AddrInUse(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestWithFreePortsRetriesTakenPort takes the first ports handed out, as a
// racing process would, and checks that the second attempt gets fresh ones.
func TestWithFreePortsRetriesTakenPort(t *testing.T) {
	var seen [][]int
	err := WithFreePorts(context.Background(), 2, t.Logf, func(ports []int) error {
		seen = append(seen, ports)
		var ls []net.Listener
		defer func() {
			for _, l := range ls {
				_ = l.Close()
			}
		}()
		for _, p := range ports {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				return err
			}
			ls = append(ls, l)
		}
		if len(seen) == 1 {
			// Bind one port again: the kernel answers EADDRINUSE.
			_, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0]))
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("WithFreePorts: %v", err)
	}
	if len(seen) != 2 {
		t.Fatalf("start ran %d times, want 2 (one retry)", len(seen))
	}
	if len(seen[1]) != 2 || seen[1][0] == seen[1][1] {
		t.Errorf("second attempt got ports %v, want two distinct ports", seen[1])
	}
}

func TestWithFreePortsReturnsOtherErrors(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	err := WithFreePorts(context.Background(), 1, nil, func([]int) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("got %v after %d calls, want boom after 1", err, calls)
	}
}

func TestWithFreePortsGivesUp(t *testing.T) {
	calls := 0
	err := WithFreePorts(context.Background(), 1, nil, func([]int) error {
		calls++
		return fmt.Errorf("bind: %w", syscall.EADDRINUSE)
	})
	if !AddrInUse(err) || calls != portAttempts {
		t.Errorf("got %v after %d calls, want an address-in-use error after %d", err, calls, portAttempts)
	}
}
