package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Process is a child program started for a test: a control-plane component
// or one of Sluice's programs. Its output goes to <dir>/<name>.log. It runs
// in its own process group and is killed when the process that started it
// dies, so a crashed test leaves nothing behind.
type Process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error
}

// StartProcess starts bin with args, logging to dir/<name>.log.
func StartProcess(dir, name, bin string, args ...string) (*Process, error) {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create %s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the process has ended; false for a nil p (no
// process to watch).
func (p *Process) Exited() bool {
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop asks the process group to end with SIGTERM, kills it after grace,
// and waits for it.
func (p *Process) Stop(grace time.Duration) {
	if p.Exited() {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// LogPath returns the path of the process's log file.
func (p *Process) LogPath() string { return p.logPath }

// PID returns the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// LogTail returns the last lines of the process's log, for error messages.
func (p *Process) LogTail() string { return Tail(p.logPath) }

// Tail returns the last lines of the file at path, at most 2000 bytes, for
// error messages; "" when it cannot be read.
func Tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// Kill sends SIGKILL to the process group and waits for it: a crash, as
// opposed to Stop's shutdown.
func (p *Process) Kill() {
	if !p.Exited() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// Failure joins err with the process's exit state and the end of its log,
// for a start-up error that a person can act on; a nil p returns err.
func (p *Process) Failure(err error) error {
	if p == nil {
		return err
	}
	state := "running"
	if p.Exited() {
		state = "exited"
		if p.err != nil {
			state = p.err.Error()
		}
	}
	return errors.Join(err, fmt.Errorf("%s (%s), log %s:\n%s", p.name, state, p.logPath, p.LogTail()))
}
