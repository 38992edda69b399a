// Package boundaddrs records the addresses a program's listeners bound, so
// that whoever started it with port 0 (tests, benchmarks, the demo) learns
// where it listens without picking a port that another process may take
// first.
//
// The file is a JSON object from listener name to host:port, for example
// {"metrics":"127.0.0.1:40123","secure":"127.0.0.1:40125"}. It is written
// once, atomically, after every listener is bound: a reader sees the whole
// file or none.
package boundaddrs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// Listener names.
const (
	// Metrics is the plain-HTTP listener of /metrics and the health
	// endpoints (--metrics-bind-address).
	Metrics = "metrics"
	// Secure is sluice-adapter's HTTPS listener serving the external
	// metrics API (--bind-address and --secure-port).
	Secure = "secure"
	// Proxy is sluice-http's plain-HTTP listener that apps' requests go
	// through (--proxy-bind-address).
	Proxy = "proxy"
)

// Write stores addrs in path atomically: it writes a temporary file in the
// same directory and renames it over path. An empty path writes nothing.
func Write(path string, addrs map[string]net.Addr) error {
	if path == "" {
		return nil
	}
	m := make(map[string]string, len(addrs))
	for name, a := range addrs {
		m[name] = a.String()
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode bound addresses: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write bound addresses: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("write bound addresses: %w", err)
	}
	return nil
}

// Read returns the addresses stored in path by name. The error wraps
// fs.ErrNotExist while the program has not bound its listeners yet.
func Read(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bound addresses: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode bound addresses %s: %w", path, err)
	}
	return m, nil
}
