// Package eventhubs starts a test peer for Azure Event Hubs: an AMQP 1.0
// listener on a free loopback port that answers the reads the azeventhubs
// SDK makes for hub and partition properties (SASL ANONYMOUS, the $cbs
// put-token request and the $management node's READ of
// com.microsoft:eventhub and com.microsoft:partition). It checks
// SharedAccessSignature tokens against its key as the service does, so a
// wrong key is refused with 401. The SDK reaches it through a development
// emulator connection string (UseDevelopmentEmulator=true), unmodified.
//
// The peer is a small Node.js program (peer.js) on the npm package rhea,
// found through, in order: the environment variable SLUICE_EVENTHUBS_NODE_PATH
// (a node_modules directory holding rhea) and
// <repo>/.cache/npm/node_modules, where hack/peers/eventhubs.sh installs it.
package eventhubs

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// NodePathEnv is the environment variable naming the node_modules
// directory that holds rhea.
const NodePathEnv = "SLUICE_EVENTHUBS_NODE_PATH"

// Default shared access key the peer accepts unless Options say otherwise.
// They are test values, published here on purpose.
const (
	DefaultKeyName = "RootManageSharedAccessKey"
	DefaultKey     = "c2x1aWNlLWV2ZW50aHVicy10ZXN0LWtleQ=="
)

// ErrNotFound is returned by Start when node or rhea is not found.
var ErrNotFound = errors.New("event hubs peer: node or rhea not found: run hack/peers/eventhubs.sh and export " + NodePathEnv)

//go:embed peer.js
var script []byte

// Options configure Start. The zero value checks tokens against
// DefaultKeyName and DefaultKey.
type Options struct {
	// KeyName and Key are the shared access key tokens must be signed
	// with; DefaultKeyName and DefaultKey when both are empty.
	KeyName, Key string
	// NoAuth accepts every token.
	NoAuth bool
	// Dir holds the script and log; a temporary directory, removed by
	// Stop, when empty.
	Dir string
	// StartTimeout bounds the wait for the listener; 30s when 0.
	StartTimeout time.Duration
}

// Partition is one partition's state as the peer reports it. A partition
// is empty when Last is below Begin or negative (Event Hubs reports -1 as
// the last sequence number of a partition that never held an event).
type Partition struct {
	ID    string `json:"id"`
	Begin int64  `json:"begin"`
	Last  int64  `json:"last"`
}

// Counts are the requests the peer answered, for tests that check how
// often a client called.
type Counts struct {
	CBS       int `json:"cbs"`
	EventHub  int `json:"eventhub"`
	Partition int `json:"partition"`
	Denied    int `json:"denied"`
}

// Peer is a running Event Hubs peer.
type Peer struct {
	// Port is the AMQP port on 127.0.0.1.
	Port int
	// KeyName and Key are the shared access key the peer accepts.
	KeyName, Key string

	dir    string
	tmpDir testenv.TempDir
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	done   chan struct{}
	mu     sync.Mutex // serializes control requests
	nextID int
	stop   sync.Once
}

// Start starts the peer and waits until it listens. It fails with
// ErrNotFound when node or rhea is missing; when ctx ends first it stops
// what it started and returns ctx's error.
func Start(ctx context.Context, opts Options) (*Peer, error) {
	nodePath, err := FindNodePath()
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, ErrNotFound
	}
	p := &Peer{KeyName: opts.KeyName, Key: opts.Key, lines: make(chan []byte, 16), done: make(chan struct{})}
	if p.KeyName == "" && p.Key == "" {
		p.KeyName, p.Key = DefaultKeyName, DefaultKey
	}
	if p.dir, p.tmpDir, err = testenv.WorkDir(opts.Dir, "eventhubs-peer-"); err != nil {
		return nil, err
	}
	if err := p.start(ctx, node, nodePath, opts); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func (p *Peer) start(ctx context.Context, node, nodePath string, opts Options) error {
	path := filepath.Join(p.dir, "eventhubs-peer.js")
	if err := os.WriteFile(path, script, 0o600); err != nil {
		return fmt.Errorf("write peer script: %w", err)
	}
	cfg := map[string]string{}
	if !opts.NoAuth {
		cfg["keyName"], cfg["key"] = p.KeyName, p.Key
	}
	arg, _ := json.Marshal(cfg)
	logFile, err := os.Create(filepath.Join(p.dir, "eventhubs-peer.log"))
	if err != nil {
		return fmt.Errorf("create peer log: %w", err)
	}
	p.cmd = exec.Command(node, path, string(arg))
	p.cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
	p.cmd.Stderr = logFile
	p.cmd.Dir = p.dir
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return fmt.Errorf("peer stdout: %w", err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("peer stdin: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start peer: %w", err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- append([]byte(nil), sc.Bytes()...)
		}
		_ = p.cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	timeout := opts.StartTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	line, err := p.next(ctx)
	if err != nil {
		return fmt.Errorf("wait for peer to listen: %w", err)
	}
	var hello struct {
		Listening int `json:"listening"`
	}
	if err := json.Unmarshal(line, &hello); err != nil || hello.Listening == 0 {
		return fmt.Errorf("peer said %q instead of its port", line)
	}
	p.Port = hello.Listening
	return nil
}

// next returns the peer's next line of output.
func (p *Peer) next(ctx context.Context) ([]byte, error) {
	select {
	case l := <-p.lines:
		return l, nil
	case <-p.done:
		return nil, fmt.Errorf("peer exited: %s", p.logTail())
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// logTail returns the end of the peer's stderr log.
func (p *Peer) logTail() string { return testenv.Tail(filepath.Join(p.dir, "eventhubs-peer.log")) }

// Stop ends the peer and removes a temporary directory. It is safe to
// call more than once. Clients connected to it see their connection close.
func (p *Peer) Stop() {
	p.stop.Do(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		p.tmpDir.Remove()
	})
}

// Endpoint returns the namespace endpoint, sb://127.0.0.1:<port>.
func (p *Peer) Endpoint() string { return "sb://127.0.0.1:" + strconv.Itoa(p.Port) }

// FullyQualifiedNamespace is the namespace as the SDK names it (the
// endpoint's host and port), which checkpoint blob names start with.
func (p *Peer) FullyQualifiedNamespace() string { return "127.0.0.1:" + strconv.Itoa(p.Port) }

// ConnectionString returns a development emulator connection string for
// the peer with its key, without EntityPath.
func (p *Peer) ConnectionString() string {
	return p.ConnectionStringWithKey(p.Key)
}

// ConnectionStringWithKey is ConnectionString with another key, for
// testing rejected credentials.
func (p *Peer) ConnectionStringWithKey(key string) string {
	return "Endpoint=" + p.Endpoint() + ";SharedAccessKeyName=" + p.KeyName + ";SharedAccessKey=" + key + ";UseDevelopmentEmulator=true"
}
