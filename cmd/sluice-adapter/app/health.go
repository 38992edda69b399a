package app

import (
	"fmt"
	"net"
)

// listenHealth binds --metrics-bind-address.
func listenHealth(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-bind-address %s: %w", addr, err)
	}
	return l, nil
}
