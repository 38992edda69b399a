//go:build e2e

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuick runs every scenario in -quick mode against a local control
// plane and checks that the report is complete and sane. It asserts nothing
// about speed: the machine running it may be busy. It builds Sluice's
// programs for itself, so a stale bin/ cannot hide a broken benchmark.
func TestQuick(t *testing.T) {
	binDir := buildPrograms(t)
	tests := []struct {
		scenario string
		flags    []string // more flags
		positive []string // rows that must be present with a value > 0
		zero     []string // rows that must be present with the value 0
		profiles []string // files -profile-dir must hold, not empty (none: no -profile-dir)
	}{
		{
			scenario: "metrics",
			positive: []string{"adapter RSS, steady state", "external metric requests/s", "external metric p99",
				"floor (test adapter) requests/s", "floor (test adapter) p99", "floor (test adapter): adapter CPU per request",
				"adapter CPU per request, sluice/test adapter", "kube-apiserver CPU per request, sluice/test adapter"},
			zero: []string{"external metric errors", "floor (test adapter) errors"},
		},
		{scenario: "memory", positive: []string{"adapter RSS, steady state", "adapter peak RSS (VmHWM)"}},
		{scenario: "activation", positive: []string{"activation latency count", "activation latency p50", "activation latency max"}},
		{scenario: "first-value", positive: []string{"first value count", "first value max", "activation with work waiting count", "activation with work waiting max", "API requests per activated object, all"}},
		{scenario: "reconcile", positive: []string{"create Deployments beforehand (untimed)", "ScaledObject creates per second",
			"until all HPAs exist", "until all ScaledObjects Ready", "HPAs per second", "API requests per object, all",
			"CPU per object, kube-apiserver", "adapter + activator RSS"},
			profiles: []string{"kube-apiserver-reconcile.cpu.pb.gz", "sluice-adapter-reconcile.cpu.pb.gz",
				"sluice-activator-reconcile.cpu.pb.gz", "sluice-adapter-reconcile.heap.pb.gz", "sluice-activator-reconcile.smaps"}},
		{scenario: "reconcile", flags: []string{"-floor"}, positive: []string{"until all HPAs exist and all Ready",
			"floor: until all HPAs exist and all Ready", "floor: API requests per object, all",
			"floor: CPU per object, kube-apiserver", "Sluice ÷ floor, until all HPAs and Ready",
			"one-writer floor: until all HPAs exist and all Ready", "one-writer floor: API requests per object, APPLY scaledobjects/status"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{tt.scenario}, tt.flags...), " "), func(t *testing.T) {
			args := append([]string{"-scenario", tt.scenario, "-quick", "-timeout", "3m", "-bin-dir", binDir}, tt.flags...)
			// A directory that does not exist yet: the scenario makes it.
			profileDir := filepath.Join(t.TempDir(), "profiles")
			if len(tt.profiles) > 0 {
				args = append(args, "-profile-dir", profileDir)
			}
			o, err := parseOptions(args)
			if err != nil {
				t.Fatal(err)
			}
			r, err := measure(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := r.writeTable(&out); err != nil {
				t.Fatal(err)
			}
			t.Log(out.String())
			values := map[string]float64{}
			for _, x := range r.Rows {
				values[x.Name] = x.Value
			}
			check := func(names []string, ok func(float64) bool, want string) {
				for _, name := range names {
					v, found := values[name]
					switch {
					case !found:
						t.Errorf("report lacks %q", name)
					case !ok(v):
						t.Errorf("%s = %v, want %s", name, v, want)
					}
				}
			}
			check(tt.positive, func(v float64) bool { return v > 0 }, "> 0")
			check(tt.zero, func(v float64) bool { return v == 0 }, "0")
			for _, name := range tt.profiles {
				if fi, err := os.Stat(filepath.Join(profileDir, name)); err != nil || fi.Size() == 0 {
					t.Errorf("profile %s: %v, want a file that is not empty", name, err)
				}
			}
		})
	}
}

// buildPrograms builds ./cmd/... of the repository into a temporary
// directory and returns it.
func buildPrograms(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", dir+string(filepath.Separator), "./cmd/...")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("build programs: %v", err)
	}
	return dir
}
