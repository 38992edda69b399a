// Package prometheus starts a real Prometheus server (Debian package
// "prometheus") on a free loopback port for tests, scraping an exporter the
// test controls every second.
//
// The binary is found through, in order: the environment variable
// SLUICE_PROMETHEUS_BIN, prometheus on the PATH, and /usr/bin/prometheus.
// hack/peers/prometheus.sh installs it.
package prometheus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// BinEnv is the environment variable naming the prometheus binary.
const BinEnv = "SLUICE_PROMETHEUS_BIN"

// ErrNotFound is returned by Start when no prometheus binary is found.
var ErrNotFound = errors.New("prometheus binary not found: run hack/peers/prometheus.sh or set " + BinEnv)

// ScrapeInterval is how often the server scrapes the exporter.
const ScrapeInterval = time.Second

// Server is a running Prometheus scraping an Exporter.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:<port>.
	URL string
	// Exporter is the scrape target; set its series to change what the
	// server records.
	Exporter *Exporter

	proc     *testenv.Process
	target   *httptest.Server
	dir      string
	ownsDir  bool
	stopOnce bool
}

// Binary returns the path of the prometheus binary, or ErrNotFound.
func Binary() (string, error) {
	if bin := os.Getenv(BinEnv); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("%s: %w", BinEnv, err)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("prometheus"); err == nil {
		return bin, nil
	}
	if _, err := os.Stat("/usr/bin/prometheus"); err == nil {
		return "/usr/bin/prometheus", nil
	}
	return "", ErrNotFound
}

// Start starts an exporter and a Prometheus that scrapes it, with its data
// in dir (a temporary directory, removed by Stop, when dir is empty). It
// returns when the server is ready and has scraped the exporter
// successfully once. When ctx ends first it stops what it started and
// returns ctx's error.
func Start(ctx context.Context, dir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	s := &Server{Exporter: NewExporter(), dir: dir}
	if dir == "" {
		if s.dir, err = os.MkdirTemp("", "sluice-prometheus-"); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		s.ownsDir = true
	}
	s.target = httptest.NewServer(s.Exporter)
	if err := s.start(ctx, bin); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// start writes the configuration, starts the process and waits for it.
// A port picked free may be taken before Prometheus binds it; then it
// tries again.
func (s *Server) start(ctx context.Context, bin string) error {
	cfgPath := filepath.Join(s.dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config(s.target.Listener.Addr().String())), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		s.proc, err = testenv.StartProcess(s.dir, "prometheus", bin,
			"--config.file="+cfgPath,
			"--storage.tsdb.path="+filepath.Join(s.dir, "data"),
			"--web.listen-address="+addr,
			"--log.level=warn",
		)
		if err != nil {
			return err
		}
		s.URL = "http://" + addr
		if lastErr = s.waitReady(ctx); lastErr == nil {
			return nil
		}
		if ctx.Err() != nil {
			s.proc.Stop(5 * time.Second)
			return ctx.Err()
		}
		s.proc.Stop(5 * time.Second)
		lastErr = s.proc.Failure(lastErr)
	}
	return lastErr
}

// Stop ends the server and the exporter and removes a temporary data
// directory. It is safe to call more than once.
func (s *Server) Stop() {
	if s.stopOnce {
		return
	}
	s.stopOnce = true
	if s.proc != nil {
		s.proc.Stop(10 * time.Second)
	}
	if s.target != nil {
		s.target.Close()
	}
	if s.ownsDir {
		_ = os.RemoveAll(s.dir)
	}
}

// config returns a configuration scraping target every ScrapeInterval.
func config(target string) string {
	return fmt.Sprintf(`global:
  scrape_interval: %[1]s
  evaluation_interval: %[1]s
scrape_configs:
  - job_name: exporter
    scrape_interval: %[1]s
    scrape_timeout: %[1]s
    static_configs:
      - targets: [%[2]q]
`, ScrapeInterval, target)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls /-/ready and then the targets API until the exporter has
// been scraped successfully.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.proc.Exited() {
			return errors.New("prometheus exited")
		}
		ready, err := s.ready(ctx)
		if err == nil && ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for prometheus: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// ready reports whether the server is ready and has scraped the exporter.
func (s *Server) ready(ctx context.Context) (bool, error) {
	code, _, err := get(ctx, s.URL+"/-/ready")
	if err != nil || code != http.StatusOK {
		return false, err
	}
	code, body, err := get(ctx, s.URL+"/api/v1/query?query=up")
	if err != nil || code != http.StatusOK {
		return false, err
	}
	return upIsOne(body), nil
}
