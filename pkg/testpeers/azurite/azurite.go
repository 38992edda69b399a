// Package azurite starts a real Azurite, the Azure Storage emulator (npm
// package "azurite"), on free loopback ports for tests.
//
// The binaries are found through, in order: the environment variable
// SLUICE_AZURITE_BIN (the directory holding azurite-queue and azurite-blob,
// or one of those files), the PATH, and <repo>/.cache/npm/node_modules/.bin
// where hack/peers/azurite.sh installs them.
package azurite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// BinEnv is the environment variable naming Azurite's bin directory.
const BinEnv = "SLUICE_AZURITE_BIN"

// The development account every Azurite accepts.
const (
	AccountName = "devstoreaccount1"
	AccountKey  = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// ErrNotFound is returned by Start when no Azurite binary is found.
var ErrNotFound = errors.New("azurite not found: run hack/peers/azurite.sh and export " + BinEnv)

// Options configure Start. The zero value starts the queue and blob
// services on free ports with a temporary data directory.
type Options struct {
	// Dir holds the logs and, unless InMemory, the data (--location); a
	// temporary directory, removed by Stop, when empty.
	Dir string
	// NoQueue and NoBlob leave a service out.
	NoQueue, NoBlob bool
	// QueuePort and BlobPort fix a port; 0 picks a free one.
	QueuePort, BlobPort int
	// InMemory keeps data in memory (--inMemoryPersistence): faster for
	// tests that write much.
	InMemory bool
	// StartTimeout bounds the wait for the services to listen; 2m when 0
	// (Node.js starts slowly on a busy machine).
	StartTimeout time.Duration
	// Logf receives why a start was retried (a port taken before Azurite
	// bound it); nil discards it. New sets t.Logf.
	Logf func(format string, args ...any)
}

// Azurite is a running emulator.
type Azurite struct {
	// QueuePort and BlobPort are the ports on 127.0.0.1; 0 for a service
	// not started.
	QueuePort, BlobPort int
	// Dir is the data directory.
	Dir string

	procs  []*testenv.Process
	tmpDir testenv.TempDir
	logf   func(format string, args ...any)
}

// Start starts Azurite and waits until every service listens. It fails
// with ErrNotFound when no binary is found; when ctx ends first it stops
// what it started and returns ctx's error.
func Start(ctx context.Context, opts Options) (*Azurite, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	a := &Azurite{logf: opts.Logf}
	if a.Dir, a.tmpDir, err = testenv.WorkDir(opts.Dir, "azurite-"); err != nil {
		return nil, err
	}
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	services := []struct {
		skip bool
		name string
		port *int
		want int
	}{
		{opts.NoQueue, "queue", &a.QueuePort, opts.QueuePort},
		{opts.NoBlob, "blob", &a.BlobPort, opts.BlobPort},
	}
	for _, s := range services {
		if s.skip {
			continue
		}
		port, err := a.startService(ctx, bin, s.name, s.want, opts.InMemory)
		if err != nil {
			a.Stop()
			return nil, err
		}
		*s.port = port
	}
	return a, nil
}

// startService starts azurite-<name> on port want, or on a free port when
// want is 0 (testenv.WithFreePorts: tried again on fresh ports when one
// was taken before Azurite bound it), and waits until it listens.
func (a *Azurite) startService(ctx context.Context, bin, name string, want int, inMemory bool) (int, error) {
	start := func(port int) error {
		args := []string{"--" + name + "Host", "127.0.0.1", "--" + name + "Port", strconv.Itoa(port),
			"--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"}
		if inMemory {
			args = append(args, "--inMemoryPersistence") // Azurite refuses it with --location.
		} else {
			args = append(args, "--location", a.Dir)
		}
		p, err := testenv.StartProcess(a.Dir, name, filepath.Join(bin, "azurite-"+name), args...)
		if err != nil {
			return err
		}
		if err := p.WaitListening(ctx, port); err != nil {
			p.Stop(5 * time.Second)
			return p.Failure(err)
		}
		a.procs = append(a.procs, p)
		return nil
	}
	if want != 0 {
		return want, start(want)
	}
	var port int
	err := testenv.WithFreePorts(ctx, 1, a.logf, func(ports []int) error {
		port = ports[0]
		return start(port)
	})
	return port, err
}

// Stop ends every Azurite process and removes a temporary data directory.
// It is safe to call more than once.
func (a *Azurite) Stop() {
	for _, p := range a.procs {
		p.Stop(5 * time.Second)
	}
	a.procs = nil
	a.tmpDir.Remove()
}

// QueueEndpoint returns the queue service URL, path-style with the account.
func (a *Azurite) QueueEndpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(a.QueuePort) + "/" + AccountName
}

// BlobEndpoint returns the blob service URL, path-style with the account.
func (a *Azurite) BlobEndpoint() string {
	return "http://127.0.0.1:" + strconv.Itoa(a.BlobPort) + "/" + AccountName
}

// ConnectionString returns a connection string for the development
// account with the endpoints of the services started.
func (a *Azurite) ConnectionString() string {
	return a.ConnectionStringWithKey(AccountKey)
}

// ConnectionStringWithKey is ConnectionString with another account key,
// for testing rejected credentials.
func (a *Azurite) ConnectionStringWithKey(key string) string {
	s := "DefaultEndpointsProtocol=http;AccountName=" + AccountName + ";AccountKey=" + key + ";"
	if a.BlobPort != 0 {
		s += "BlobEndpoint=" + a.BlobEndpoint() + ";"
	}
	if a.QueuePort != 0 {
		s += "QueueEndpoint=" + a.QueueEndpoint() + ";"
	}
	return s
}

// FindBinDir returns the directory holding azurite-queue and azurite-blob
// (see the package documentation for the search order), or ErrNotFound.
func FindBinDir() (string, error) {
	if v := os.Getenv(BinEnv); v != "" {
		if fi, err := os.Stat(v); err == nil && !fi.IsDir() && hasBins(filepath.Dir(v)) {
			return filepath.Dir(v), nil // one of the binaries named: its directory
		}
	}
	return testenv.FindDir(ErrNotFound, BinEnv, "azurite-queue and azurite-blob", hasBins,
		testenv.OnPath("azurite-queue"), testenv.RepoCache("npm", "node_modules", ".bin"))
}

// hasBins reports whether dir holds both of Azurite's binaries.
func hasBins(dir string) bool {
	return testenv.IsExecutable(filepath.Join(dir, "azurite-queue")) && testenv.IsExecutable(filepath.Join(dir, "azurite-blob"))
}
