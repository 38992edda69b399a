// Command sluice-activator owns one HPA per ScaledObject and scales targets
// between zero and one. See pkg/activator; the wiring is in ./app.
package main

import (
	"context"
	"os"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/cmd/sluice-activator/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs the program with args and returns its exit code.
func run(args []string) int {
	o := app.NewOptions()
	return program.Main(program.Spec{
		Name:      "sluice-activator",
		Flags:     o.Flags(),
		Validate:  o.Validate,
		LogFormat: &o.LogFormat, LogLevel: &o.LogLevel,
		// The activator's caches (every ScaledObject and HPA) are most of
		// its heap; at 10,000 objects about 58 MB stayed live while Go's
		// default 100% growth let the heap reach twice that before each
		// collection. 50% keeps resident memory closer to the live heap for
		// a little CPU.
		GCPercent: 50,
		Run:       func(ctx context.Context, log *zap.Logger) error { return app.Run(ctx, o, log) },
	}, args, os.Stderr)
}
