// Package rabbitmq starts a real RabbitMQ broker (Debian package
// "rabbitmq-server") for tests: a plain process on free loopback ports with
// its own Erlang port mapper (epmd), node name, data and log directories,
// Erlang cookie (a private HOME) and the management plugin enabled.
//
// The scripts are found through, in order: the environment variable
// SLUICE_RABBITMQ_SBIN (the directory holding rabbitmq-server), the PATH,
// and /usr/lib/rabbitmq/bin where Debian installs them. Debian's
// /usr/sbin/rabbitmq-server is a wrapper that switches to the rabbitmq user
// and is not used. hack/peers/rabbitmq.sh installs the package.
package rabbitmq

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// SbinEnv is the environment variable naming the directory that holds
// rabbitmq-server.
const SbinEnv = "SLUICE_RABBITMQ_SBIN"

// debianSbin is where Debian's package puts the unwrapped scripts.
const debianSbin = "/usr/lib/rabbitmq/bin"

// User is the administrator every broker started here has; its password is
// Broker.Password, random per broker.
const User = "sluice"

// ErrNotFound is returned by Start when no rabbitmq-server or epmd is found.
var ErrNotFound = errors.New("rabbitmq-server not found: run hack/peers/rabbitmq.sh and export " + SbinEnv)

// Options configure Start. The zero value starts a broker with a temporary
// directory.
type Options struct {
	// Dir holds the data, logs, configuration and HOME; a temporary
	// directory, removed by Stop, when empty.
	Dir string
	// TLS adds an amqps listener and an https management listener, with a
	// serving certificate for 127.0.0.1 and localhost.
	TLS bool
	// ClientCA is a PEM bundle the TLS listeners trust for client
	// certificates (which they ask for but do not require).
	ClientCA string
	// StartTimeout bounds the wait for the broker to serve AMQP and the
	// management API; 2 minutes when 0 (a busy two-core machine needs
	// 10 to 30 seconds).
	StartTimeout time.Duration
	// Logf hears why a start was tried again on fresh ports (one was taken
	// before the broker or epmd bound it); nil discards it. New sets t.Logf.
	Logf func(format string, args ...any)
}

// Broker is a running RabbitMQ node and its epmd.
type Broker struct {
	// AMQPPort and ManagementPort are the listeners on 127.0.0.1.
	AMQPPort, ManagementPort int
	// EPMDPort and DistPort are the Erlang port mapper's and the node's
	// distribution port, both on 127.0.0.1.
	EPMDPort, DistPort int
	// AMQPSPort and ManagementTLSPort are the TLS listeners on 127.0.0.1
	// with Options.TLS; 0 without.
	AMQPSPort, ManagementTLSPort int
	// ServerCA is the PEM of the CA that signed the TLS listeners'
	// certificate, with Options.TLS.
	ServerCA string
	// Node is the Erlang node name, unique per broker.
	Node string
	// Password is User's password.
	Password string
	// Dir is the broker's directory.
	Dir string

	sbin, epmdBin string
	timeout       time.Duration
	tls           bool
	clientCA      string
	tlsCert       string
	tlsKey        string
	epmd, server  *testenv.Process
	tmpDir        testenv.TempDir
}

// Start starts epmd and the broker on free loopback ports and waits until
// the broker accepts AMQP connections and its management API answers. It
// fails with ErrNotFound when the package is not installed; when ctx ends
// first it stops what it started and returns ctx's error.
func Start(ctx context.Context, opts Options) (*Broker, error) {
	sbin, err := FindSbin()
	if err != nil {
		return nil, err
	}
	epmdBin, err := findEPMD(sbin)
	if err != nil {
		return nil, err
	}
	b := &Broker{sbin: sbin, epmdBin: epmdBin, timeout: opts.StartTimeout, tls: opts.TLS, clientCA: opts.ClientCA}
	if b.timeout == 0 {
		b.timeout = 2 * time.Minute
	}
	if b.Dir, b.tmpDir, err = testenv.WorkDir(opts.Dir, "rabbitmq-"); err != nil {
		return nil, err
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	b.Node = "sluice-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(suffix) + "@localhost"
	b.Password = hex.EncodeToString(suffix) + "-pw"
	if b.tls {
		if err := b.writeTLS(); err != nil {
			b.Stop()
			return nil, err
		}
	}
	err = testenv.WithFreePorts(ctx, 6, opts.Logf, func(ports []int) error {
		b.EPMDPort, b.AMQPPort, b.ManagementPort, b.DistPort = ports[0], ports[1], ports[2], ports[3]
		if b.tls {
			b.AMQPSPort, b.ManagementTLSPort = ports[4], ports[5]
		}
		if err := b.startEPMD(ctx); err != nil {
			return err
		}
		if err := b.startServer(ctx); err != nil {
			b.stopEPMD()
			return err
		}
		return nil
	})
	if err != nil {
		b.Stop()
		return nil, err
	}
	return b, nil
}

// FindSbin returns the directory holding rabbitmq-server (see the package
// documentation for the search order), or ErrNotFound.
func FindSbin() (string, error) {
	return testenv.FindDir(ErrNotFound, SbinEnv, "rabbitmq-server", hasServer, debianSbin, testenv.OnPath("rabbitmq-server"))
}

// hasServer reports whether dir holds an executable rabbitmq-server.
func hasServer(dir string) bool { return testenv.IsExecutable(filepath.Join(dir, "rabbitmq-server")) }

// findEPMD returns the epmd binary: on the PATH, else beside the Erlang
// runtime Debian installs.
func findEPMD(sbin string) (string, error) {
	if p, err := exec.LookPath("epmd"); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/erlang/erts-*/bin/epmd")
	for _, m := range matches {
		if testenv.IsExecutable(m) {
			return m, nil
		}
	}
	return "", fmt.Errorf("epmd beside %s: %w", sbin, ErrNotFound)
}

// Stop stops the broker and epmd, waits until no process of the node is
// left and removes a temporary directory. It is safe to call more than
// once.
func (b *Broker) Stop() {
	b.StopBroker()
	b.stopEPMD()
	b.tmpDir.Remove()
}

// StopBroker stops the broker gracefully and waits for every process of
// the node to end, leaving epmd, the data and the ports' numbers for
// Restart. It is safe to call when the broker is not running.
func (b *Broker) StopBroker() {
	if b.server != nil {
		_ = b.Thaw()
		b.server.Stop(60 * time.Second)
		b.server = nil
	}
	killLeftovers(b.Node)
}

// Restart starts the broker again on the same ports with the same data,
// after StopBroker, and waits until it serves. A port another process took
// in between fails it.
func (b *Broker) Restart(ctx context.Context) error {
	if b.server != nil {
		return errors.New("restart: broker is running")
	}
	return b.startServer(ctx)
}

// Freeze stops the broker's VM with SIGSTOP: connections stay open but
// nothing answers, as with a hung broker or a dead network path. It returns
// once every thread of the VM is stopped: the signal is delivered
// asynchronously, and a request sent before a busy scheduler thread
// stopped could still be answered. Thaw undoes it; Stop thaws first.
func (b *Broker) Freeze() error {
	if b.server == nil {
		return errors.New("freeze: broker is not running")
	}
	pid := b.server.PID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("freeze: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !allThreadsStopped(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("freeze: process %d did not stop within 10s", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// allThreadsStopped reports whether every thread of pid is in the stopped
// state ('T' in /proc/<pid>/task/<tid>/stat).
func allThreadsStopped(pid int) bool {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, task := range tasks {
		b, err := os.ReadFile(task)
		if err != nil {
			return false
		}
		// The state follows the command name, which is in parentheses
		// and may itself hold ") ".
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) || b[i+2] != 'T' {
			return false
		}
	}
	return true
}

// Thaw continues a frozen broker.
func (b *Broker) Thaw() error {
	if b.server == nil {
		return errors.New("thaw: broker is not running")
	}
	return syscall.Kill(b.server.PID(), syscall.SIGCONT)
}

// Running reports whether the broker process is up.
func (b *Broker) Running() bool { return b.server != nil && !b.server.Exited() }

func (b *Broker) stopEPMD() {
	if b.epmd != nil {
		b.epmd.Stop(5 * time.Second)
		b.epmd = nil
	}
}
