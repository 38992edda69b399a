// Package flagtest is what the tests of the shared option structs
// (logging, kubeclient, …) have in common: parsing a command line into
// the flags an option struct adds, and checking that Validate names the
// flags it should. Only tests import it.
package flagtest

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// Parse parses args into a new flag set holding the flags add adds, and
// fails tb when they do not parse.
func Parse(tb testing.TB, add func(*pflag.FlagSet), args ...string) *pflag.FlagSet {
	tb.Helper()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	add(fs)
	if err := fs.Parse(args); err != nil {
		tb.Fatal(err)
	}
	return fs
}

// ExpectNamed fails tb unless errs are one per flag of want, in order,
// each starting with the flag's name and a colon (as Validate reports).
func ExpectNamed(tb testing.TB, errs []error, want []string) {
	tb.Helper()
	if len(errs) != len(want) {
		tb.Fatalf("errors %v, want ones naming %v", errs, want)
	}
	for i, err := range errs {
		if !strings.HasPrefix(err.Error(), want[i]+":") {
			tb.Errorf("error %q does not name %s", err, want[i])
		}
	}
}
