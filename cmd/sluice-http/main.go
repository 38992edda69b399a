// Command sluice-http is the HTTP front of scale-to-zero apps: it routes,
// holds requests while an app wakes, and measures load. See pkg/httpfront;
// the wiring is in ./app.
package main

import (
	"context"
	"os"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/cmd/sluice-http/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs the program with args and returns its exit code.
func run(args []string) int {
	o := app.NewOptions()
	return program.Main(program.Spec{
		Name:      "sluice-http",
		Flags:     o.Flags(),
		Validate:  o.Validate,
		LogFormat: &o.LogFormat, LogLevel: &o.LogLevel,
		Run: func(ctx context.Context, log *zap.Logger) error { return app.Run(ctx, o, log) },
	}, args, os.Stderr)
}
