package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat;
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// procUsage is a process's memory and CPU at one moment.
type procUsage struct {
	RSS, HWM int64         // VmRSS and VmHWM (peak RSS), bytes
	CPU      time.Duration // utime + stime
	At       time.Time
}

// readUsage reads /proc/<pid>/status and /proc/<pid>/stat.
func readUsage(pid int) (procUsage, error) {
	u := procUsage{At: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, fmt.Errorf("read process status: %w", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return u, fmt.Errorf("parse %s: %w", name, err)
		}
		if name == "VmRSS" {
			u.RSS = kb << 10
		} else {
			u.HWM = kb << 10
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, fmt.Errorf("read process stat: %w", err)
	}
	// The command name may hold spaces; the fields after it are fixed.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		return u, fmt.Errorf("parse process stat: %d fields", len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime, stime (fields 14 and 15)
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return u, fmt.Errorf("parse process stat: %w", err)
		}
		ticks += n
	}
	u.CPU = time.Duration(ticks) * time.Second / clockTicks
	return u, nil
}

// steadyState is a process's usage over an idle window.
type steadyState struct {
	RSS, HWM     int64
	CPUPerSecond float64 // CPU seconds per wall-clock second
	Window       time.Duration
}

// measureIdle samples pid's usage at the start and the end of window.
func measureIdle(ctx context.Context, pid int, window time.Duration) (steadyState, error) {
	a, err := readUsage(pid)
	if err != nil {
		return steadyState{}, err
	}
	if err := testenv.Sleep(ctx, window); err != nil {
		return steadyState{}, fmt.Errorf("idle window: %w", err)
	}
	b, err := readUsage(pid)
	if err != nil {
		return steadyState{}, err
	}
	wall := b.At.Sub(a.At)
	return steadyState{
		RSS: b.RSS, HWM: b.HWM, Window: wall,
		CPUPerSecond: (b.CPU - a.CPU).Seconds() / wall.Seconds(),
	}, nil
}

// mib converts bytes to MiB.
func mib(b int64) float64 { return float64(b) / (1 << 20) }

// pidNamed returns the first of pids whose command name is name.
func pidNamed(pids []int, name string) (int, error) {
	for _, pid := range pids {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err == nil && strings.TrimSpace(string(comm)) == name {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no %s among the control plane's processes", name)
}

// cpuMeter measures the CPU time processes use between start and stop.
type cpuMeter struct {
	pids  []int
	start []procUsage
}

// startCPU samples pids now.
func startCPU(pids ...int) (*cpuMeter, error) {
	m := &cpuMeter{pids: pids}
	for _, pid := range pids {
		u, err := readUsage(pid)
		if err != nil {
			return nil, err
		}
		m.start = append(m.start, u)
	}
	return m, nil
}

// stop returns, per process, the CPU time used since startCPU and the CPU
// seconds used per wall-clock second.
func (m *cpuMeter) stop() (used []time.Duration, perSecond []float64, err error) {
	for i, pid := range m.pids {
		u, err := readUsage(pid)
		if err != nil {
			return nil, nil, err
		}
		d := u.CPU - m.start[i].CPU
		used = append(used, d)
		perSecond = append(perSecond, d.Seconds()/u.At.Sub(m.start[i].At).Seconds())
	}
	return used, perSecond, nil
}
