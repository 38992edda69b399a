// Command sluice-http is the HTTP front of scale-to-zero apps: it routes,
// holds requests while an app wakes, and measures load. See pkg/httpfront;
// the wiring is in ./app.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/cmd/sluice-http/app"
	"github.com/sluice-dev/sluice/pkg/logging"
	"github.com/sluice-dev/sluice/pkg/version"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run parses flags, builds the logger and runs the program until SIGTERM or
// SIGINT. Every error is reported exactly once: on stderr before the logger
// exists, through the logger after. It returns the exit code.
func run(args []string) int {
	opts := app.NewOptions()
	named := opts.Flags()
	fs := pflag.NewFlagSet("sluice-http", pflag.ContinueOnError)
	for _, set := range named {
		fs.AddFlagSet(set)
	}
	showVersion := fs.Bool("version", false, "Print the version and exit.")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: sluice-http [flags]")
		for _, set := range named {
			fmt.Fprintf(os.Stderr, "\n%s flags:\n%s", set.Name(), set.FlagUsages())
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		return 2 // pflag already printed the error and the usage
	}
	if *showVersion {
		fmt.Println("sluice-http", version.String())
		return 0
	}
	if errs := opts.Validate(); len(errs) > 0 {
		fmt.Fprintln(os.Stderr, errors.Join(errs...))
		return 2
	}
	log, err := logging.New(opts.LogFormat, opts.LogLevel)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer func() { _ = log.Sync() }()
	logging.RouteKlog(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := app.Run(ctx, opts, log); err != nil {
		log.Error("front stopped", zap.Error(err))
		return 1
	}
	log.Info("front stopped")
	return 0
}
