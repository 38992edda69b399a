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

// testOptions are a program's options: one flag, --n, that must be at
// least 1, and --log-level.
type testOptions struct {
	n   int
	log logging.Options
}

func (o *testOptions) Flags() []*pflag.FlagSet {
	fs := pflag.NewFlagSet("things", pflag.ContinueOnError)
	fs.IntVar(&o.n, "n", o.n, "how many things")
	fs.StringVar(&o.log.Level, "log-level", o.log.Level, "log level")
	return []*pflag.FlagSet{fs}
}

func (o *testOptions) Validate() []error {
	if o.n < 1 {
		return []error{errors.New("--n: must be at least 1")}
	}
	return nil
}

func (o *testOptions) Logging() *logging.Options { return &o.log }

// spec is the program "prog" over testOptions; it runs by setting *ran to
// --n and returning runErr.
func spec(runErr error, ran *int) Spec {
	o := &testOptions{n: 1, log: logging.Options{Format: "console", Level: "error"}}
	return New("prog", o, func(_ context.Context, o *testOptions, _ *zap.Logger) error {
		*ran = o.n
		return runErr
	})
}

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		runErr   error
		want     int
		wantRan  int    // --n as Run saw it; 0: Run did not run
		wantText string // in stderr
	}{
		{name: "runs", args: nil, want: ExitOK, wantRan: 1},
		{name: "run fails", args: nil, runErr: errors.New("boom"), want: ExitError, wantRan: 1},
		{name: "flag reaches run", args: []string{"--n=3"}, want: ExitOK, wantRan: 3},
		{name: "help", args: []string{"--help"}, want: ExitOK, wantText: "things flags:"},
		{name: "version", args: []string{"--version"}, want: ExitOK},
		{name: "unknown flag", args: []string{"--nope"}, want: ExitUsage, wantText: "unknown flag: --nope"},
		{name: "invalid value", args: []string{"--n=0"}, want: ExitUsage, wantText: "prog: --n: must be at least 1"},
		{name: "bad log level", args: []string{"--log-level=loud"}, want: ExitUsage, wantText: "prog:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran int
			var stderr bytes.Buffer
			if got := Main(spec(tt.runErr, &ran), tt.args, &stderr); got != tt.want {
				t.Errorf("Main(%q) = %d, want %d; stderr:\n%s", tt.args, got, tt.want, stderr.String())
			}
			if ran != tt.wantRan {
				t.Errorf("Run saw --n=%d, want %d (0: not run)", ran, tt.wantRan)
			}
			if !strings.Contains(stderr.String(), tt.wantText) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantText)
			}
		})
	}
}
