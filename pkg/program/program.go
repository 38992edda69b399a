// Package program is the main function of Sluice's long-running programs
// (sluice-adapter, sluice-activator, sluice-http): flags and --version,
// validation that reports every problem at once, the logger, and a run
// until SIGTERM or SIGINT. Each program's main only describes itself.
package program

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/logging"
	"github.com/sluice-dev/sluice/pkg/version"
)

// Exit codes of Main.
const (
	ExitOK    = 0 // ran and stopped cleanly, or --help, or --version
	ExitError = 1 // the program failed while running
	ExitUsage = 2 // bad flags: nothing ran
)

// Spec describes one program.
type Spec struct {
	// Name is the program's name in usage, --version and the last log line.
	Name string
	// Flags are the program's flag sets, in help order.
	Flags []*pflag.FlagSet
	// Validate returns every problem with the parsed flags, each naming its
	// flag.
	Validate func() []error
	// Log points at the parsed logging flags.
	Log *logging.Options
	// GCPercent, when positive, is the garbage collector's target unless
	// GOGC is set in the environment: programs whose heap is mostly one
	// long-lived cache keep resident memory closer to it with a lower one.
	GCPercent int
	// Run runs the program until ctx is done (SIGTERM or SIGINT).
	Run func(ctx context.Context, log *zap.Logger) error
}

// Main parses args, then validates, builds the logger and runs s. Every
// error is reported once: on stderr before the logger exists, through the
// logger after. It returns the exit code.
func Main(s Spec, args []string, stderr io.Writer) int {
	fs := pflag.NewFlagSet(s.Name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, set := range s.Flags {
		fs.AddFlagSet(set)
	}
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		_, _ = fmt.Fprintf(stderr, "Usage: %s [flags]\n", s.Name)
		for _, set := range s.Flags {
			_, _ = fmt.Fprintf(stderr, "\n%s flags:\n%s", set.Name(), set.FlagUsages())
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return ExitOK
		}
		_, _ = fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for the flags.\n", s.Name, err, s.Name)
		return ExitUsage
	}
	if *showVersion {
		fmt.Println(s.Name, version.String())
		return ExitOK
	}
	if errs := s.Validate(); len(errs) > 0 {
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", s.Name, errors.Join(errs...))
		return ExitUsage
	}
	log, err := s.Log.New()
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "%s: %v\n", s.Name, err)
		return ExitUsage
	}
	defer func() { _ = log.Sync() }()
	logging.RouteKlog(log)
	if s.GCPercent > 0 && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(s.GCPercent)
	}
	setMemoryLimit(log, memlimit.FromCgroup)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := s.Run(ctx, log); err != nil {
		log.Error(s.Name+" stopped", zap.Error(err))
		return ExitError
	}
	log.Info(s.Name + " stopped")
	return ExitOK
}
