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
	tmpDir   testenv.TempDir
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
	return start(ctx, dir, nil)
}

// start is Start telling logf (t.Logf in tests; may be nil) why a start
// was retried.
func start(ctx context.Context, dir string, logf func(format string, args ...any)) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	s := &Server{Exporter: NewExporter()}
	if s.dir, s.tmpDir, err = testenv.WorkDir(dir, "sluice-prometheus-"); err != nil {
		return nil, err
	}
	s.target = httptest.NewServer(s.Exporter)
	if err := s.start(ctx, bin, logf); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// start writes the configuration, starts the process on a free port and
// waits for it (testenv.WithFreePorts: tried again on a fresh port when the
// port was taken before Prometheus bound it).
func (s *Server) start(ctx context.Context, bin string, logf func(string, ...any)) error {
	cfgPath := filepath.Join(s.dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config(s.target.Listener.Addr().String())), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return testenv.WithFreePorts(ctx, 1, logf, func(ports []int) error {
		addr := "127.0.0.1:" + strconv.Itoa(ports[0])
		p, err := testenv.StartProcess(s.dir, "prometheus", bin,
			"--config.file="+cfgPath,
			"--storage.tsdb.path="+filepath.Join(s.dir, "data"),
			"--web.listen-address="+addr,
			"--log.level=warn",
		)
		if err != nil {
			return err
		}
		s.proc, s.URL = p, "http://"+addr
		if err := s.waitReady(ctx, ports[0]); err != nil {
			p.Stop(5 * time.Second)
			s.proc = nil
			return err
		}
		return nil
	})
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
	s.tmpDir.Remove()
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

// waitReady waits until the process listens on port (itself: an answer
// on the port could come from another process that took it first), is
// ready, and has scraped the exporter successfully. Its error carries the
// process's log.
func (s *Server) waitReady(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.proc.WaitListening(ctx, port); err != nil {
		return s.proc.Failure(err)
	}
	return testenv.WaitFor(ctx, s.proc, 30*time.Second, "wait for prometheus", s.ready)
}

// ready checks that the server is ready and has scraped the exporter.
func (s *Server) ready(ctx context.Context) error {
	code, _, err := get(ctx, s.URL+"/-/ready")
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("/-/ready: %d", code)
	}
	if err != nil {
		return err
	}
	code, body, err := get(ctx, s.URL+"/api/v1/query?query=up")
	if err == nil && (code != http.StatusOK || !upIsOne(body)) {
		err = fmt.Errorf("the exporter is not scraped yet: %d %s", code, body)
	}
	return err
}
