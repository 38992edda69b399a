// Command sluice-http is the HTTP front of scale-to-zero apps: it routes,
// holds requests while an app wakes, and measures load. See pkg/httpfront;
// the wiring is in ./app.
package main

import (
	"os"

	"github.com/sluice-dev/sluice/cmd/sluice-http/app"
	"github.com/sluice-dev/sluice/pkg/program"
)

func main() {
	os.Exit(program.Main(app.Program(), os.Args[1:], os.Stderr))
}
