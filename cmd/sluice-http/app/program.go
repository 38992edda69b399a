package app

import "github.com/sluice-dev/sluice/pkg/program"

// Program returns the sluice-http program over fresh default Options, for
// program.Main.
func Program() program.Spec {
	return program.New("sluice-http", NewOptions(), Run)
}
