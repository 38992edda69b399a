// Command sluice-activator owns one HPA per ScaledObject and scales targets
// between zero and one. See pkg/activator; the wiring is in ./app.
package main

import (
	"os"

	"github.com/sluice-dev/sluice/cmd/sluice-activator/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(program.Main(app.Program(), os.Args[1:], os.Stderr))
}
