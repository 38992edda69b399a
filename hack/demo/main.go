// Command demo is `make demo`: it runs Sluice's real job end to end on
// this machine. It starts (or reuses) a local control plane with the HPA
// controller, Azurite, sluice-adapter and sluice-activator as local
// processes, deploys examples/queue-worker with `sluice deploy`, and then
// enqueues and drains messages while a live table shows the workload go
// 0 → 1 → n → 1 → 0.
//
// The environment runs under a detached supervisor (this program with
// --serve) whose state lives in .cache/demo, so that --keep can leave it
// running for kubectl and a later run can reuse it; --stop ends it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// options are the demo's flags.
type options struct {
	root     string // repository root
	stateDir string
	binDir   string
	example  string
	keep     bool
	stop     bool
	serve    bool
}

func main() {
	os.Exit(mainExit())
}

func mainExit() int {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	switch {
	case o.serve:
		err = serve(ctx, o)
	case o.stop:
		err = stopDemo(o)
	default:
		err = runDemo(ctx, o, os.Stdout)
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "\ndemo: interrupted; everything it started is stopped")
		return 130
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	return 0
}

// parseOptions reads the flags; paths default to the repository's.
func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.BoolVar(&o.keep, "keep", false, "leave the cluster running at the end, to explore it with kubectl")
	fs.BoolVar(&o.stop, "stop", false, "stop an environment a previous run left running, and exit")
	fs.BoolVar(&o.serve, "serve", false, "internal: run the environment until SIGTERM")
	fs.StringVar(&o.stateDir, "state-dir", "", "where the state and logs live (default <repo>/.cache/demo)")
	fs.StringVar(&o.binDir, "bin-dir", "", "directory holding sluice, sluice-adapter and sluice-activator (default <repo>/bin)")
	fs.StringVar(&o.example, "example", "", "the Azure Functions project to deploy (default <repo>/examples/queue-worker)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	root, err := findRoot()
	if err != nil {
		return o, err
	}
	o.root = root
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
		*p, _ = filepath.Abs(*p)
	}
	def(&o.stateDir, filepath.Join(root, ".cache", "demo"))
	def(&o.binDir, filepath.Join(root, "bin"))
	def(&o.example, filepath.Join(root, "examples", "queue-worker"))
	if err := os.MkdirAll(o.stateDir, 0o755); err != nil {
		return o, fmt.Errorf("create state dir: %w", err)
	}
	return o, nil
}

// findRoot is the repository root, or an error that says what to do.
func findRoot() (string, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, "run the demo inside the repository")
	}
	return root, nil
}

// stopDemo stops the environment a previous run left running.
func stopDemo(o options) error {
	s, err := readState(o.stateDir)
	if err != nil {
		return err
	}
	if s == nil || !processAlive(s.PID) {
		_ = os.Remove(statePath(o.stateDir))
		fmt.Println("demo: nothing running")
		return nil
	}
	stopSupervisor(s.PID)
	_ = os.Remove(statePath(o.stateDir))
	_ = os.RemoveAll(runDir(o.stateDir))
	fmt.Printf("demo: stopped the environment (supervisor pid %d)\n", s.PID)
	return nil
}
