//go:build e2e

package e2e

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// startProgram runs name, one of Sluice's programs, from binDir in dir
// with every listener on port 0 (testenv.StartProgram), waits until it has
// bound listeners (boundaddrs.Metrics and any others named) and its
// /readyz answers 200, and returns the bound addresses by name. It stops
// the program in t.Cleanup, with its log when the test failed.
func startProgram(t *testing.T, dir, name string, args []string, listeners ...string) (*testenv.Process, map[string]*net.TCPAddr) {
	t.Helper()
	p, addrs, err := testenv.StartProgram(context.Background(), dir, name, filepath.Join(binDir, name), args, listeners...)
	if err != nil {
		t.Fatal(err)
	}
	stopInCleanup(t, name, p)
	return p, addrs
}

// stopInCleanup stops p at the end of the test, and logs the end of its
// log when the test failed.
func stopInCleanup(t *testing.T, name string, p *testenv.Process) {
	t.Cleanup(func() {
		p.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("%s log:\n%s", name, p.LogTail())
		}
	})
}
