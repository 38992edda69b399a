package rabbitmq

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// startEPMD starts the node's own epmd on EPMDPort and waits for it to
// listen.
func (b *Broker) startEPMD(ctx context.Context) error {
	p, err := testenv.StartProcess(b.Dir, "epmd", b.epmdBin, "-address", "127.0.0.1", "-port", strconv.Itoa(b.EPMDPort))
	if err != nil {
		return err
	}
	b.epmd = p
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.WaitListening(ctx, b.EPMDPort); err != nil {
		// epmd exits at once, silently, when its port is taken.
		if p.Exited() && ctx.Err() == nil {
			return fmt.Errorf("epmd on port %d exited at once: %w", b.EPMDPort, syscall.EADDRINUSE)
		}
		return err
	}
	return nil
}

// startServer writes the configuration, starts the node and waits until it
// serves. A start that fails is stopped again.
func (b *Broker) startServer(ctx context.Context) error {
	if err := b.writeConfig(); err != nil {
		return err
	}
	args := append(b.env(), filepath.Join(b.sbin, "rabbitmq-server"))
	p, err := testenv.StartProcess(b.Dir, "rabbitmq-server", "/usr/bin/env", args...)
	if err != nil {
		return err
	}
	b.server = p
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	if err := b.waitReady(ctx); err != nil {
		b.StopBroker()
		return err
	}
	// epmd exits silently when its port was taken; the node may then have
	// registered with another epmd. Try again on fresh ports.
	if b.epmd == nil || b.epmd.Exited() {
		b.StopBroker()
		return fmt.Errorf("epmd on port %d exited: %w", b.EPMDPort, syscall.EADDRINUSE)
	}
	return nil
}

// env returns the environment of the node, as `env` arguments: every path
// inside Dir, a private HOME (and so Erlang cookie), and the system-wide
// rabbitmq-env.conf and advanced.config out of the way.
func (b *Broker) env() []string {
	return []string{
		"HOME=" + filepath.Join(b.Dir, "home"),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"ERL_EPMD_PORT=" + strconv.Itoa(b.EPMDPort),
		"RABBITMQ_CONF_ENV_FILE=" + filepath.Join(b.Dir, "rabbitmq-env.conf"),
		"RABBITMQ_CONFIG_FILE=" + filepath.Join(b.Dir, "rabbitmq.conf"),
		"RABBITMQ_ADVANCED_CONFIG_FILE=" + filepath.Join(b.Dir, "advanced.config"),
		"RABBITMQ_ENABLED_PLUGINS_FILE=" + filepath.Join(b.Dir, "enabled_plugins"),
		"RABBITMQ_MNESIA_BASE=" + filepath.Join(b.Dir, "mnesia"),
		"RABBITMQ_LOG_BASE=" + filepath.Join(b.Dir, "log"),
		"RABBITMQ_NODENAME=" + b.Node,
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT=" + strconv.Itoa(b.AMQPPort),
		"RABBITMQ_DIST_PORT=" + strconv.Itoa(b.DistPort),
		// The script then execs the VM instead of running it in the
		// background (-noinput below keeps the shell off stdin), so the
		// VM is the process testenv started: it gets SIGTERM from Stop
		// and SIGKILL when the test binary dies.
		"RABBITMQ_ALLOW_INPUT=true",
		// Distribution on loopback only; no busy-waiting schedulers on a
		// shared machine.
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1} -noinput +sbwt none +sbwtdcpu none +sbwtdio none",
	}
}

// writeConfig writes the node's configuration files.
func (b *Broker) writeConfig() error {
	for _, d := range []string{"home", "mnesia", "log"} {
		if err := os.MkdirAll(filepath.Join(b.Dir, d), 0o700); err != nil {
			return fmt.Errorf("create %s dir: %w", d, err)
		}
	}
	conf := fmt.Sprintf(`default_user = %s
default_pass = %s
loopback_users = none
management.tcp.ip = 127.0.0.1
management.tcp.port = %d
collect_statistics_interval = 1000
disk_free_limit.absolute = 1MB
vm_memory_high_watermark.relative = 0.9
`, User, b.Password, b.ManagementPort)
	if b.tls {
		conf += b.tlsConfig()
	}
	files := map[string]string{
		"rabbitmq.conf":     conf,
		"rabbitmq-env.conf": "",
		"enabled_plugins":   "[rabbitmq_management].\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(b.Dir, name), []byte(content), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// waitReady waits until the AMQP port accepts connections and the
// management API answers an authenticated request. Its error carries the
// server's log.
func (b *Broker) waitReady(ctx context.Context) error {
	if err := b.server.WaitListening(ctx, b.AMQPPort); err != nil {
		return b.server.Failure(err)
	}
	return testenv.WaitFor(ctx, b.server, b.timeout, "wait for the management API", func(ctx context.Context) error {
		code, body, err := b.managementGet(ctx, "/api/overview")
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("GET /api/overview: %d %s", code, body)
		}
		return err
	})
}
