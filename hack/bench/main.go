// Command bench measures Sluice against the targets of docs/performance.md
// on a local control plane: the external metrics API under load through
// kube-apiserver against custom-metrics-apiserver's test adapter as the
// floor (metrics), the adapter's memory and CPU with 10,000
// sources (memory), the time from a source becoming active to one replica
// (activation), how soon a new object has its first value and, with work
// waiting, its first replica (first-value), and how fast HPAs appear for 1,000 new ScaledObjects
// (reconcile). Every request goes to 127.0.0.1; everything it starts is
// stopped when it ends or is interrupted.
//
//	make build && go run ./hack/bench -scenario metrics [-quick] [-json out.json]
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	os.Exit(mainExit())
}

func mainExit() int {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	err = run(ctx, o, os.Stdout)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "bench: interrupted; everything it started is stopped")
		return 130
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// run runs o's scenario and prints its report to out.
func run(ctx context.Context, o *options, out io.Writer) error {
	r, err := measure(ctx, o)
	if err != nil {
		return err
	}
	if err := r.writeTable(out); err != nil {
		return err
	}
	if o.jsonPath != "" {
		return r.writeJSON(o.jsonPath)
	}
	return nil
}

// measure runs o's scenario within o.timeout and returns what it measured.
func measure(ctx context.Context, o *options) (*report, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	r := &report{Scenario: o.scenario, Quick: o.quick, Started: time.Now(), Params: map[string]string{}}
	var err error
	switch o.scenario {
	case "metrics":
		err = runMetrics(ctx, o, r, false)
	case "memory":
		err = runMetrics(ctx, o, r, true)
	case "activation":
		err = runActivation(ctx, o, r)
	case "first-value":
		err = runFirstValue(ctx, o, r)
	case "reconcile":
		err = runReconcile(ctx, o, r)
	}
	r.Elapsed = time.Since(r.Started).Round(time.Second).String()
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", o.scenario, err)
	}
	return r, nil
}
