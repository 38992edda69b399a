//go:build e2e

package e2e

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// startProgram runs name, one of Sluice's programs, from binDir in dir
// with every listener on port 0 and --bound-addresses-file, so that no
// port can be taken between picking and binding. It stops the program in
// t.Cleanup (with its log when the test failed), waits until the program
// has bound listeners (boundaddrs.Metrics and any others named) and its
// /readyz answers 200, and returns the bound addresses by name.
func startProgram(t *testing.T, dir, name string, args []string, listeners ...string) (*testenv.Process, map[string]*net.TCPAddr) {
	t.Helper()
	bound := filepath.Join(dir, "bound-addresses.json")
	args = append([]string{"--metrics-bind-address=127.0.0.1:0", "--bound-addresses-file=" + bound}, args...)
	p, err := testenv.StartProcess(dir, name, filepath.Join(binDir, name), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("%s log:\n%s", name, p.LogTail())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	addrs, err := testenv.WaitBoundAddresses(ctx, p, bound, append([]string{boundaddrs.Metrics}, listeners...)...)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, name+" /readyz", func() error {
		if p.Exited() {
			t.Fatalf("%s exited:\n%s", name, p.LogTail())
		}
		return readyzOK(context.Background(), addrs[boundaddrs.Metrics].String())
	})
	return p, addrs
}
