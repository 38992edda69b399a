// Command sluice-adapter serves external.metrics.k8s.io for ScaledObjects:
// it polls every trigger and answers the HPAs from what it polled. See
// pkg/adapter; the wiring is in ./app.
package main

import (
	"os"

	"github.com/sluice-dev/sluice/cmd/sluice-adapter/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(program.Main(app.Program(), os.Args[1:], os.Stderr))
}
