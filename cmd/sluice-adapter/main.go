// Command sluice-adapter serves external.metrics.k8s.io for ScaledObjects:
// it polls every trigger and answers the HPAs from what it polled. See
// pkg/adapter; the wiring is in ./app.
package main

import (
	"context"
	"os"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/cmd/sluice-adapter/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs the program with args and returns its exit code.
func run(args []string) int {
	o := app.NewOptions()
	named := o.Flags()
	var sets []*pflag.FlagSet
	for _, name := range named.Order {
		sets = append(sets, named.FlagSets[name])
	}
	return program.Main(program.Spec{
		Name:      "sluice-adapter",
		Flags:     sets,
		Validate:  o.Validate,
		LogFormat: &o.LogFormat, LogLevel: &o.LogLevel,
		// The adapter holds one large, long-lived cache (every
		// ScaledObject and every source's state); collecting at 50% heap
		// growth keeps resident memory close to the live heap for a
		// little CPU.
		GCPercent: 50,
		Run: func(ctx context.Context, log *zap.Logger) error {
			return app.Run(ctx, o, log.Named("adapter"))
		},
	}, args, os.Stderr)
}
