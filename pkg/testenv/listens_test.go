package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listenerEnv makes the test binary a helper process that listens on a
// free port, prints it and waits to be stopped.
const listenerEnv = "SLUICE_TESTENV_LISTENER"

func TestMain(m *testing.M) {
	if os.Getenv(listenerEnv) != "" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Printf("port=%d\n", l.Addr().(*net.TCPAddr).Port)
		select {}
	}
	os.Exit(m.Run())
}

// startListener runs the helper, through sh when viaShell so that the
// listener is a child of the process started, and returns its port.
func startListener(t *testing.T, viaShell bool) (*Process, int) {
	t.Helper()
	t.Setenv(listenerEnv, "1")
	bin, args := os.Args[0], []string{"-test.run=^$"}
	if viaShell {
		bin, args = "/bin/sh", []string{"-c", os.Args[0] + " -test.run='^$'; echo exited"}
	}
	p, err := StartProcess(t.TempDir(), "listener", bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(5 * time.Second) })
	var port int
	err = WaitFor(context.Background(), p, time.Minute, "listener port", func(context.Context) error {
		_, after, ok := strings.Cut(p.LogTail(), "port=")
		if !ok {
			return fmt.Errorf("no port yet")
		}
		port, err = strconv.Atoi(strings.TrimSpace(after))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, port
}

func TestListensOn(t *testing.T) {
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherPort := other.Addr().(*net.TCPAddr).Port
	for _, viaShell := range []bool{false, true} {
		t.Run(fmt.Sprintf("child=%v", viaShell), func(t *testing.T) {
			p, port := startListener(t, viaShell)
			tests := []struct {
				name string
				port int
				want bool
			}{
				{"its own port", port, true},
				{"a port another process holds", otherPort, false},
			}
			for _, tt := range tests {
				got, err := p.ListensOn(tt.port)
				if err != nil || got != tt.want {
					t.Errorf("%s: ListensOn(%d) = %v, %v; want %v", tt.name, tt.port, got, err, tt.want)
				}
			}
			p.Stop(5 * time.Second)
			if got, err := p.ListensOn(port); got || err != nil {
				t.Errorf("after Stop: ListensOn(%d) = %v, %v; want false", port, got, err)
			}
		})
	}
}

func TestWaitBoundAddresses(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/bound.json"
	// A shell stands in for a program: it writes the file after a while
	// (rename, as boundaddrs.Write does), then keeps running.
	script := `sleep 0.2; printf '{"metrics":"127.0.0.1:4000","secure":"[::1]:4001"}' > ` + path + `.tmp && mv ` + path + `.tmp ` + path + `; sleep 60`
	p, err := StartProcess(dir, "writer", "/bin/sh", "-c", script)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(5 * time.Second) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := WaitBoundAddresses(ctx, p, path, "metrics", "secure")
	if err != nil {
		t.Fatal(err)
	}
	if got["metrics"].String() != "127.0.0.1:4000" || got["secure"].String() != "[::1]:4001" || got["secure"].Port != 4001 {
		t.Errorf("got %v", got)
	}
	if _, err := WaitBoundAddresses(ctx, p, path, "other"); err == nil || !strings.Contains(err.Error(), `no "other" listener`) {
		t.Errorf("missing name: %v", err)
	}
}

func TestWaitBoundAddressesProcessExits(t *testing.T) {
	dir := t.TempDir()
	p, err := StartProcess(dir, "failing", "/bin/sh", "-c", "echo 'listen tcp: bind: address already in use'; exit 1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = WaitBoundAddresses(context.Background(), p, dir+"/bound.json", "metrics")
	if err == nil || !AddrInUse(err) {
		t.Errorf("got %v, want the failure with the process log", err)
	}
}

// BenchmarkListensOn measures one check of a start-up wait loop: the
// socket tables and the descriptors of one process and its children.
func BenchmarkListensOn(b *testing.B) {
	p, err := StartProcess(b.TempDir(), "sleep", "/bin/sleep", "60")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Stop(time.Second)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	for b.Loop() {
		if ok, err := p.ListensOn(port); ok || err != nil {
			b.Fatalf("ListensOn = %v, %v", ok, err)
		}
	}
}
