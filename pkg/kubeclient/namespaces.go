package kubeclient

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
)

// AddWatchNamespaceFlag binds --watch-namespace to dst, the same in every
// program: repeatable or comma-separated (as KEDA's WATCH_NAMESPACE);
// what says what the program does with a namespace's objects.
func AddWatchNamespaceFlag(fs *pflag.FlagSet, dst *[]string, what string) {
	fs.Var(&namespaceList{dst: dst}, "watch-namespace", "namespace whose "+what+" (repeatable, or comma-separated); all namespaces when not given")
}

// namespaceList is --watch-namespace's value. Unlike pflag's string slice
// it keeps an empty entry (so that "--watch-namespace=" is refused rather
// than read as every namespace) and knows no quoting.
type namespaceList struct {
	dst     *[]string
	changed bool
}

// Set appends v's comma-separated entries; the first Set replaces the
// default.
func (l *namespaceList) Set(v string) error {
	if !l.changed {
		*l.dst = nil
		l.changed = true
	}
	*l.dst = append(*l.dst, strings.Split(v, ",")...)
	return nil
}

// String returns the entries as pflag prints a list.
func (l *namespaceList) String() string { return "[" + strings.Join(*l.dst, ",") + "]" }

// Type names the value in help.
func (l *namespaceList) Type() string { return "strings" }

// ValidateWatchNamespaces returns an error, naming --watch-namespace, for
// each entry of ns that is not a namespace name or repeats one before it.
func ValidateWatchNamespaces(ns []string) []error {
	var errs []error
	seen := make(map[string]bool, len(ns))
	for _, n := range ns {
		switch msgs := validation.IsDNS1123Label(n); {
		case n == "":
			errs = append(errs, fmt.Errorf("--watch-namespace: must not be empty"))
		case len(msgs) > 0:
			errs = append(errs, fmt.Errorf("--watch-namespace: %q is not a namespace name: %s", n, strings.Join(msgs, "; ")))
		case seen[n]:
			errs = append(errs, fmt.Errorf("--watch-namespace: %q is given twice", n))
		}
		seen[n] = true
	}
	return errs
}
