package app

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestProgramExitCodes(t *testing.T) {
	programtest.ExitCodes(t, Program, []programtest.Case{
		{Name: "help", Args: []string{"--help"}, Want: 0},
		{Name: "version", Args: []string{"--version"}, Want: 0},
		{Name: "unknown flag", Args: []string{"--nope"}, Want: 2},
		{Name: "invalid value", Args: []string{"--workers=0"}, Want: 2},
		{Name: "every problem at once", Args: []string{"--workers=0", "--log-level=loud"}, Want: 2},
	})
}
