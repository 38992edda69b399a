// Command sluice-adapter serves external.metrics.k8s.io for ScaledObjects:
// it polls every trigger and answers the HPAs from what it polled.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/cmd/sluice-adapter/app"
	"github.com/sluice-dev/sluice/pkg/logging"
	"github.com/sluice-dev/sluice/pkg/version"
)

func main() {
	// The adapter holds one large, long-lived cache (every ScaledObject and
	// every source's state). Collecting at 50% heap growth instead of Go's
	// default 100% keeps resident memory close to the live heap for a
	// little CPU. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sluice-adapter:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	o := app.NewOptions()
	fs := pflag.NewFlagSet("sluice-adapter", pflag.ContinueOnError)
	named := o.Flags()
	for _, name := range named.Order {
		fs.AddFlagSet(named.FlagSets[name])
	}
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: sluice-adapter [flags]\n")
		for _, name := range named.Order {
			fmt.Fprintf(os.Stderr, "\n%s flags:\n%s", name, named.FlagSets[name].FlagUsages())
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	if *showVersion {
		fmt.Println("sluice-adapter", version.String())
		return nil
	}
	if err := o.ValidateErr(); err != nil {
		return err
	}
	log, err := logging.New(o.LogFormat, o.LogLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	logging.RouteKlog(log)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return app.Run(ctx, o, log.Named("adapter"))
}
