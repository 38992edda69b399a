package program

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/logging"
)

// spec is a program with one flag, --n, that must be at least 1; it runs by
// returning runErr.
func spec(runErr error, ran *bool) Spec {
	fs := pflag.NewFlagSet("things", pflag.ContinueOnError)
	n := fs.Int("n", 1, "how many things")
	log := logging.Options{Format: "console", Level: "error"}
	fs.StringVar(&log.Level, "log-level", log.Level, "log level")
	return Spec{
		Name:  "prog",
		Flags: []*pflag.FlagSet{fs},
		Validate: func() []error {
			if *n < 1 {
				return []error{errors.New("--n: must be at least 1")}
			}
			return nil
		},
		Log: &log,
		Run: func(context.Context, *zap.Logger) error { *ran = true; return runErr },
	}
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		runErr   error
		want     int
		wantRan  bool
		wantText string // in stderr
	}{
		{name: "runs", args: nil, want: ExitOK, wantRan: true},
		{name: "run fails", args: nil, runErr: errors.New("boom"), want: ExitError, wantRan: true},
		{name: "help", args: []string{"--help"}, want: ExitOK, wantText: "things flags:"},
		{name: "version", args: []string{"--version"}, want: ExitOK},
		{name: "unknown flag", args: []string{"--nope"}, want: ExitUsage, wantText: "unknown flag: --nope"},
		{name: "invalid value", args: []string{"--n=0"}, want: ExitUsage, wantText: "prog: --n: must be at least 1"},
		{name: "bad log level", args: []string{"--log-level=loud"}, want: ExitUsage, wantText: "prog:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran bool
			var stderr bytes.Buffer
			if got := Main(spec(tt.runErr, &ran), tt.args, &stderr); got != tt.want {
				t.Errorf("Main(%q) = %d, want %d; stderr:\n%s", tt.args, got, tt.want, stderr.String())
			}
			if ran != tt.wantRan {
				t.Errorf("ran = %v, want %v", ran, tt.wantRan)
			}
			if !strings.Contains(stderr.String(), tt.wantText) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantText)
			}
		})
	}
}
