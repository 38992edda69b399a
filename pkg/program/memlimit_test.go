package program

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestSetMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	const before = 3 << 30 // the runtime's soft limit before each case
	limitOf := func(l uint64, err error) memlimit.Provider {
		return func() (uint64, error) { return l, err }
	}
	tests := []struct {
		name      string
		env       map[string]string
		limitOf   memlimit.Provider
		want      int64  // the runtime's soft limit after
		wantLevel string // level of the one log line, "" for none
		wantLog   string // in that line's message or fields
	}{
		{"80 % of the container's limit", nil, limitOf(100*mib, nil), 80 * mib, "info", "83886080"},
		{"GOMEMLIMIT wins", map[string]string{"GOMEMLIMIT": "1GiB"}, limitOf(100*mib, nil), before, "info", "1GiB"},
		{"AUTOMEMLIMIT sets the ratio", map[string]string{"AUTOMEMLIMIT": "0.5"}, limitOf(100*mib, nil), 50 * mib, "info", "52428800"},
		{"AUTOMEMLIMIT off", map[string]string{"AUTOMEMLIMIT": "off"}, limitOf(100*mib, nil), before, "info", "off"},
		{"bad AUTOMEMLIMIT", map[string]string{"AUTOMEMLIMIT": "2"}, limitOf(100*mib, nil), before, "error", "AUTOMEMLIMIT"},
		{"no container limit", nil, limitOf(0, memlimit.ErrNoLimit), math.MaxInt64, "", ""},
		{"limit not readable", nil, limitOf(0, errors.New("no cgroup")), before, "info", "no cgroup"},
		{"limit not readable, AUTOMEMLIMIT good", map[string]string{"AUTOMEMLIMIT": "0.7"}, limitOf(0, errors.New("no cgroup")), before, "info", "no cgroup"},
		{"AUTOMEMLIMIT not a number", map[string]string{"AUTOMEMLIMIT": "most"}, limitOf(100*mib, nil), before, "error", "AUTOMEMLIMIT=most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetenv(t, "GOMEMLIMIT")
			unsetenv(t, "AUTOMEMLIMIT")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			prev := debug.SetMemoryLimit(before)
			t.Cleanup(func() { debug.SetMemoryLimit(prev) })

			core, logs := observer.New(zapcore.InfoLevel)
			setMemoryLimit(zap.New(core), tt.limitOf)

			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("soft memory limit = %d, want %d", got, tt.want)
			}
			entries := logs.All()
			if tt.wantLevel == "" {
				if len(entries) != 0 {
					t.Errorf("logged %v, want nothing", entries)
				}
				return
			}
			if len(entries) != 1 {
				t.Fatalf("logged %d lines, want 1: %v", len(entries), entries)
			}
			e := entries[0]
			text := e.Message
			for k, v := range e.ContextMap() {
				text += fmt.Sprintf(" %s=%v", k, v)
			}
			if e.Level.String() != tt.wantLevel || !strings.Contains(text, tt.wantLog) {
				t.Errorf("logged %s %q, want %s mentioning %q", e.Level, text, tt.wantLevel, tt.wantLog)
			}
		})
	}
}

// unsetenv removes k from the environment for the test and restores it
// after.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "") // records the value to restore
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
