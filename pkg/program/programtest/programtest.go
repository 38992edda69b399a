// Package programtest holds the tests Sluice's programs share: the exit
// codes of a program.Spec, which every program checks on its flags, and
// the metrics exported with and without --keda-compatible-metrics, and
// the validation of the kube-apiserver flags every program shares, and the
// voice of its flags' help; Parse, which parses a command line into a
// program's options; and ExpectValidate, which checks the flags their
// Validate names.
package programtest

import (
	"bytes"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
	"github.com/sluice-dev/sluice/pkg/program"
)

// Case is one command line and the exit code program.Main must return
// for it.
type Case struct {
	Name string
	Args []string
	Want int
}

// common are the command lines every program answers alike.
func common() []Case {
	return []Case{
		{Name: "help", Args: []string{"--help"}, Want: program.ExitOK},
		{Name: "version", Args: []string{"--version"}, Want: program.ExitOK},
		{Name: "unknown flag", Args: []string{"--nope"}, Want: program.ExitUsage},
	}
}

// ExitCodes runs program.Main on a fresh spec from newSpec for --help,
// --version and an unknown flag, then for each of the program's own
// cases, and fails t when an exit code differs, showing what the program
// wrote on stderr.
func ExitCodes(t *testing.T, newSpec func() program.Spec, cases []Case) {
	t.Helper()
	for _, c := range append(common(), cases...) {
		t.Run(c.Name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := program.Main(newSpec(), c.Args, &stderr); got != c.Want {
				t.Errorf("Main(%q) = %d, want %d; stderr:\n%s", c.Args, got, c.Want, stderr.String())
			}
		})
	}
}

// Parse binds fresh options from newOptions to their flags, parses args
// into them and returns them; a parse error fails t.
func Parse[O program.Options](t testing.TB, newOptions func() O, args ...string) O {
	t.Helper()
	o := newOptions()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	for _, set := range o.Flags() {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o
}

// ExpectValidate parses args as Parse does and fails t unless Validate
// returns one error per flag of want, in order, each naming its flag (see
// flagtest.ExpectNamed); no error when want is empty.
func ExpectValidate[O program.Options](t testing.TB, newOptions func() O, args []string, want []string) {
	t.Helper()
	flagtest.ExpectNamed(t, Parse(t, newOptions, args...).Validate(), want)
}

// KubernetesFlags checks that the options from newOptions validate the
// kube-apiserver flags every program shares (kubeclient.Options and
// kubeclient.Watch's --watch-namespace) as kubeclient does, each bad
// value named by its flag. --resync-period is left to each program: its
// floor differs.
func KubernetesFlags[O program.Options](t *testing.T, newOptions func() O) {
	t.Helper()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"qps zero", []string{"--kube-api-qps=0"}, []string{"--kube-api-qps"}},
		{"burst zero with a client-side limit", []string{"--kube-api-qps=50", "--kube-api-burst=0"}, []string{"--kube-api-burst"}},
		{"burst ignored without a client-side limit", []string{"--kube-api-qps=-1", "--kube-api-burst=0"}, nil},
		{"namespaces", []string{"--watch-namespace=a", "--watch-namespace=b,c"}, nil},
		{"empty namespace", []string{"--watch-namespace="}, []string{"--watch-namespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { ExpectValidate(t, newOptions, tt.args, tt.want) })
	}
}

// FlagHelpVoice fails t once per flag of sets whose help is out of the
// voice all programs share (see helpvoice.Check).
func FlagHelpVoice(t testing.TB, sets ...*pflag.FlagSet) {
	t.Helper()
	for _, fs := range sets {
		for _, p := range helpvoice.Check(fs) {
			t.Error(p)
		}
	}
}
