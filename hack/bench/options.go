package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// options are the benchmark's flags. Zero sizes are filled in from the
// scenario's defaults (full or -quick) by complete.
type options struct {
	scenario string // metrics, memory, activation, first-value or reconcile
	quick    bool   // small sizes, a smoke test of the program
	jsonPath string // also write the report as JSON here; "-" is stdout
	binDir   string // sluice-adapter and sluice-activator
	kubeBin  string // etcd, kube-apiserver, kube-controller-manager ("" = testenv's default)
	// testAdapter is custom-metrics-apiserver's test adapter ("" = build it).
	testAdapter string
	workDir     string // logs and certificates ("" = a temporary directory, removed at the end)
	// profileDir receives the programs' heap profiles at the end of the
	// scenario, and the adapter's CPU profile under load ("" = none).
	profileDir string

	objects     int           // ScaledObjects (metrics, memory, reconcile)
	clients     int           // concurrent load clients (metrics)
	duration    time.Duration // load duration per path (metrics)
	maxRequests int           // bound on requests per load run
	idle        time.Duration // steady-state window for RSS and CPU
	activations int           // activation rounds
	creates     int           // objects created one at a time (first-value)
	createQPS   float64       // client-side QPS of the creating client
	// targetsTogether (reconcile) creates the Deployments together with
	// the ScaledObjects, inside the timed window, as before issue 17.
	targetsTogether bool
	// distinctSources (reconcile) gives every object its own URL, so that
	// each has its own first poll, as objects on their own queues do.
	distinctSources bool
	// floor (reconcile) also measures the take-in floor: the same burst on
	// a fresh control plane, taken in by the benchmark's own minimal
	// writers instead of Sluice's programs (takeinfloor.go).
	floor bool
	// activatorArgs are extra sluice-activator flags, e.g. its rate limits.
	activatorArgs []string
	timeout       time.Duration // bound on the whole run
}

// parseOptions reads args into options and completes them.
func parseOptions(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.scenario, "scenario", "metrics", "what to measure: metrics, memory, activation, first-value or reconcile")
	fs.BoolVar(&o.quick, "quick", false, "tiny sizes and short windows, to smoke-test the program")
	fs.StringVar(&o.jsonPath, "json", "", "also write the results as JSON to this file (- for stdout)")
	fs.StringVar(&o.binDir, "bin-dir", "", "directory holding sluice-adapter and sluice-activator (default <repo>/bin)")
	fs.StringVar(&o.kubeBin, "kube-bin-dir", "", "directory holding etcd, kube-apiserver and kube-controller-manager (default $SLUICE_KUBE_BIN_DIR or `make kube`)")
	fs.StringVar(&o.testAdapter, "test-adapter", "", "custom-metrics-apiserver's test adapter binary, the floor of the metrics scenario (default: go build "+testAdapterPkg+")")
	fs.StringVar(&o.workDir, "work-dir", "", "keep logs and certificates here instead of a removed temporary directory")
	fs.StringVar(&o.profileDir, "profile-dir", "", "write the programs' heap profiles at the end of the scenario (and the adapter's CPU profile under load) to this directory")
	fs.IntVar(&o.objects, "objects", 0, "ScaledObjects to create (default 10000 for metrics and memory, 1000 for reconcile)")
	fs.IntVar(&o.clients, "clients", 0, "concurrent clients of the load generator (default 50)")
	fs.DurationVar(&o.duration, "duration", 0, "how long each load run lasts (default 30s)")
	fs.IntVar(&o.maxRequests, "max-requests", 0, "upper bound on the requests of one load run (default 2,000,000)")
	fs.DurationVar(&o.idle, "idle", 0, "steady-state window for RSS and CPU (default 30s; 60s for memory)")
	fs.IntVar(&o.activations, "activations", 0, "activation rounds (default 25)")
	fs.IntVar(&o.creates, "creates", 0, "first-value: objects created one after another, for each of the two measurements (default 100)")
	fs.Float64Var(&o.createQPS, "create-qps", 2000, "client-side QPS of the client creating objects")
	fs.BoolVar(&o.targetsTogether, "targets-together", false, "reconcile: create the Deployments together with the ScaledObjects and time both (the definition before issue 17); by default they exist before the first ScaledObject is created, as in a cluster")
	fs.BoolVar(&o.distinctSources, "distinct-sources", false, "reconcile: one URL per object, so that every object waits for its own first poll (by default all share one source)")
	fs.BoolVar(&o.floor, "floor", false, "reconcile: also time the same burst taken in by the benchmark's own minimal writers (the API requests Sluice's design needs and nothing else), on a fresh control plane, and report Sluice's time over theirs")
	fs.DurationVar(&o.timeout, "timeout", 0, "upper bound on the whole run (default 15m)")
	fs.Func("activator-flag", "extra sluice-activator flag, e.g. --kube-api-qps=500 (repeatable; its defaults otherwise)", func(v string) error {
		o.activatorArgs = append(o.activatorArgs, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := o.complete(); err != nil {
		return nil, err
	}
	return o, o.validate()
}

// complete fills sizes left at zero from the scenario's defaults.
func (o *options) complete() error {
	def := func(p *int, full, quick int) {
		if *p == 0 {
			*p = pick(o.quick, quick, full)
		}
	}
	defDur := func(p *time.Duration, full, quick time.Duration) {
		if *p == 0 {
			*p = pick(o.quick, quick, full)
		}
	}
	objects := 10000
	if o.scenario == "reconcile" {
		objects = 1000
	}
	def(&o.objects, objects, 20)
	def(&o.clients, 50, 4)
	def(&o.maxRequests, 2_000_000, 20_000)
	def(&o.activations, 25, 3)
	def(&o.creates, 100, 3)
	defDur(&o.duration, 30*time.Second, 2*time.Second)
	idle := 30 * time.Second
	if o.scenario == "memory" {
		idle = 60 * time.Second
	}
	defDur(&o.idle, idle, 2*time.Second)
	defDur(&o.timeout, 15*time.Minute, 5*time.Minute)
	if o.binDir == "" {
		root, err := findRoot()
		if err != nil {
			return err
		}
		o.binDir = filepath.Join(root, "bin")
	}
	return nil
}

// validate reports every problem with o at once.
func (o *options) validate() error {
	var errs []error
	switch o.scenario {
	case "metrics", "memory", "activation", "first-value", "reconcile":
	default:
		errs = append(errs, fmt.Errorf("-scenario %q: want metrics, memory, activation, first-value or reconcile", o.scenario))
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"objects", o.objects}, {"clients", o.clients}, {"max-requests", o.maxRequests}, {"activations", o.activations}, {"creates", o.creates}} {
		if n.v < 1 {
			errs = append(errs, fmt.Errorf("-%s must be at least 1, got %d", n.name, n.v))
		}
	}
	if o.createQPS <= 0 {
		errs = append(errs, fmt.Errorf("-create-qps must be positive, got %v", o.createQPS))
	}
	for _, p := range []string{"sluice-adapter", "sluice-activator"} {
		if _, err := os.Stat(filepath.Join(o.binDir, p)); err != nil {
			errs = append(errs, fmt.Errorf("%s not found in -bin-dir (run `make build`): %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// pick returns quick when q is set, else full.
func pick[T any](q bool, quick, full T) T {
	if q {
		return quick
	}
	return full
}

// findRoot is the repository root, or an error that says what to do.
func findRoot() (string, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, "run the benchmark inside the repository or pass -bin-dir")
	}
	return root, nil
}
