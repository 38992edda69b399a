package app

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestProgramExitCodes(t *testing.T) {
	programtest.ExitCodes(t, Program, []programtest.Case{
		{Name: "invalid value", Args: []string{"--max-held-requests=0"}, Want: 2},
		{Name: "bad address", Args: []string{"--proxy-bind-address=nowhere"}, Want: 2},
		{Name: "unreachable cluster", Args: []string{"--kubeconfig=/nonexistent", "--metrics-bind-address=127.0.0.1:0", "--proxy-bind-address=127.0.0.1:0"}, Want: 1},
	})
}
