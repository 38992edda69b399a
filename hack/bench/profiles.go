package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// profiled is one of Sluice's programs whose profiles -profile-dir keeps.
type profiled struct {
	name string // sluice-adapter or sluice-activator
	addr string // its metrics listener, host:port, serving /debug/pprof/
	pid  int
}

// saveProfiles writes, when -profile-dir is set, each running program's
// heap profile (after a GC: the live heap) and its text form, which ends
// with runtime.MemStats (heap in use, stacks, what the runtime holds), as
// <program>-<when>.heap.pb.gz and <program>-<when>.heap.txt, and its
// /proc/<pid>/smaps_rollup (resident memory split into anonymous and
// file-backed) as <program>-<when>.smaps. It runs before
// the programs stop, so the profiles show the state the scenario measured.
func (e *env) saveProfiles(ctx context.Context, when string) error {
	if e.o.profileDir == "" {
		return nil
	}
	var errs []error
	for _, p := range e.profiled {
		base := filepath.Join(e.o.profileDir, p.name+"-"+when)
		errs = append(errs,
			saveURL(ctx, "http://"+p.addr+"/debug/pprof/heap?gc=1", base+".heap.pb.gz"),
			saveURL(ctx, "http://"+p.addr+"/debug/pprof/heap?debug=1", base+".heap.txt"),
			copyFile(fmt.Sprintf("/proc/%d/smaps_rollup", p.pid), base+".smaps"))
	}
	return errors.Join(errs...)
}

// saveCPUProfile writes, when -profile-dir is set, a CPU profile of the
// program named name over d to <name>-<when>.cpu.pb.gz; call it beside
// the work it should see.
func (e *env) saveCPUProfile(ctx context.Context, name, when string, d time.Duration) error {
	if e.o.profileDir == "" {
		return nil
	}
	for _, p := range e.profiled {
		if p.name == name {
			u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.addr, int(d.Seconds()))
			return saveURL(ctx, u, filepath.Join(e.o.profileDir, name+"-"+when+".cpu.pb.gz"))
		}
	}
	return nil
}

// saveAPIServerCPUProfile writes, when -profile-dir is set, a CPU profile
// of kube-apiserver over d to kube-apiserver-<when>.cpu.pb.gz, read as the
// admin from its /debug/pprof/profile.
func (e *env) saveAPIServerCPUProfile(ctx context.Context, when string, d time.Duration) error {
	if e.o.profileDir == "" {
		return nil
	}
	b, err := e.cp.Client.Discovery().RESTClient().Get().AbsPath("/debug/pprof/profile").
		Param("seconds", strconv.Itoa(int(d.Seconds()))).Timeout(d + time.Minute).DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("profile kube-apiserver: %w", err)
	}
	return writeProfile(filepath.Join(e.o.profileDir, "kube-apiserver-"+when+".cpu.pb.gz"), b)
}

// saveURL writes the body of GET u to path, creating its directory.
func saveURL(ctx context.Context, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read %s: %w", u, err)
	}
	return writeProfile(path, b)
}

// writeProfile writes b to path, creating its directory.
func writeProfile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create profile dir: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// copyFile copies from to to.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("read %s: %w", from, err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", to, err)
	}
	return nil
}
