package kubeclient

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Watch is what every program's informers watch and how often they replay
// their caches: the --watch-namespace and --resync-period flags. Start
// from NewWatch.
type Watch struct {
	// Namespaces limits the watch to these namespaces; empty means all.
	Namespaces []string
	// ResyncPeriod is how often informers replay their caches.
	ResyncPeriod time.Duration
}

// NewWatch returns the defaults: every namespace, replayed every ten
// minutes.
func NewWatch() Watch {
	return Watch{ResyncPeriod: 10 * time.Minute}
}

// AddFlags binds w to fs. --watch-namespace is the same in every
// program: repeatable or comma-separated (as KEDA's WATCH_NAMESPACE);
// what says what the program does with a namespace's objects. resyncHelp
// is the --resync-period help, in the program's words.
func (w *Watch) AddFlags(fs *pflag.FlagSet, what, resyncHelp string) {
	fs.Var(&namespaceList{dst: &w.Namespaces}, "watch-namespace", "namespace whose "+what+" (repeatable, or comma-separated); all namespaces when not given")
	fs.DurationVar(&w.ResyncPeriod, "resync-period", w.ResyncPeriod, resyncHelp)
}

// Validate returns every problem with w, each naming its flag: a negative
// resync period, and what ValidateWatchNamespaces finds. A program with a
// stricter floor on the period checks it itself.
func (w *Watch) Validate() []error {
	var errs []error
	if w.ResyncPeriod < 0 {
		errs = append(errs, fmt.Errorf("--resync-period: must not be negative, got %v", w.ResyncPeriod))
	}
	return append(errs, ValidateWatchNamespaces(w.Namespaces)...)
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
