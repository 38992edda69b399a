package testenv

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// A port picked free can be taken by another process before ours binds it.
// Then "something answers on the port" proves nothing: it may be the other
// process (another test's etcd, say) while ours is about to exit with
// "address already in use". ListensOn asks the kernel who holds the socket.

// tcpListen is the state of a listening socket in /proc/net/tcp.
const tcpListen = "0A"

// ListensOn reports whether the process, or a process it started, holds a
// listening TCP socket on port (any local address, IPv4 or IPv6). It reads
// /proc, so it works on Linux only.
func (p *Process) ListensOn(port int) (bool, error) {
	inodes, err := listeningInodes(port)
	if err != nil || len(inodes) == 0 {
		return false, err
	}
	for _, pid := range descendants(p.PID()) {
		if holdsSocket(pid, inodes) {
			return true, nil
		}
	}
	return false, nil
}

// WaitListening waits until the process (or a process it started) listens
// on port (ListensOn), and fails when it exits first or ctx ends.
func (p *Process) WaitListening(ctx context.Context, port int) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := p.ListensOn(port)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-p.Done():
			return fmt.Errorf("exited before listening on 127.0.0.1:%d", port)
		case <-ctx.Done():
			return fmt.Errorf("wait for 127.0.0.1:%d: %w", port, ctx.Err())
		case <-tick.C:
		}
	}
}

// listeningInodes returns the socket inodes listening on port.
func listeningInodes(port int) (map[string]bool, error) {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if os.IsNotExist(err) && table == "/proc/net/tcp6" {
			continue // no IPv6
		}
		if err != nil {
			return nil, fmt.Errorf("read sockets: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[3] != tcpListen {
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if n, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil && int(n) == port {
				inodes[fields[9]] = true
			}
		}
		err = sc.Err()
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("read sockets: %w", err)
		}
	}
	return inodes, nil
}

// descendants returns pid and every process below it.
func descendants(pid int) []int {
	all := []int{pid}
	for i := 0; i < len(all); i++ {
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", all[i]))
		if err != nil {
			continue // gone
		}
		for _, task := range tasks {
			b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", all[i], task.Name()))
			if err != nil {
				continue
			}
			for _, f := range strings.Fields(string(b)) {
				if child, err := strconv.Atoi(f); err == nil {
					all = append(all, child)
				}
			}
		}
	}
	return all
}

// holdsSocket reports whether pid has a descriptor open on one of inodes.
func holdsSocket(pid int, inodes map[string]bool) bool {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		link, err := os.Readlink(dir + "/" + fd.Name())
		if err != nil {
			continue
		}
		if inode, ok := strings.CutPrefix(link, "socket:["); ok && inodes[strings.TrimSuffix(inode, "]")] {
			return true
		}
	}
	return false
}
