package app

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestProgramExitCodes(t *testing.T) {
	programtest.ExitCodes(t, Program, []programtest.Case{
		{Name: "invalid value", Args: []string{"--workers=0"}, Want: 2},
		{Name: "every problem at once", Args: []string{"--workers=0", "--log-level=loud"}, Want: 2},
	})
}
