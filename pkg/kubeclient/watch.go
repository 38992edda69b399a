package kubeclient

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"
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

// AddFlags binds w to fs. what says what the program does with a
// namespace's objects (see AddWatchNamespaceFlag); resyncHelp is the
// --resync-period help, in the program's words.
func (w *Watch) AddFlags(fs *pflag.FlagSet, what, resyncHelp string) {
	AddWatchNamespaceFlag(fs, &w.Namespaces, what)
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
