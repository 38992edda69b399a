package rabbitmq

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// NodeProcesses returns the PIDs of the processes that belong to node:
// those whose environment names it in RABBITMQ_NODENAME. Erlang starts
// helpers (erl_child_setup, inet_gethost) in sessions of their own, so the
// process group of rabbitmq-server does not cover them.
func NodeProcesses(node string) []int {
	want := []byte("RABBITMQ_NODENAME=" + node + "\x00")
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []int
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil {
			continue
		}
		if bytes.Contains(env, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killLeftovers waits up to 10 seconds for the node's helper processes to
// end on their own (they do once the VM is gone), then kills those left by
// PID and waits for them to disappear.
func killLeftovers(node string) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if len(NodeProcesses(node)) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond) // a bounded wait for processes we cannot be notified about
	}
	for _, pid := range NodeProcesses(node) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	deadline = time.Now().Add(5 * time.Second)
	for len(NodeProcesses(node)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}
