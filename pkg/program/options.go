package program

import (
	"context"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/logging"
)

// Options are a program's settings, which its flags set.
type Options interface {
	// Flags returns the flag sets bound to the options, in help order.
	Flags() []*pflag.FlagSet
	// Validate returns every problem with the parsed flags, each naming
	// its flag.
	Validate() []error
	// Logging returns the logging options among them.
	Logging() *logging.Options
}

// New returns the Spec of the program name over o: o's flags, validation
// and logging, and run with o. Set GCPercent on the result where needed.
func New[O Options](name string, o O, run func(context.Context, O, *zap.Logger) error) Spec {
	return Spec{
		Name:     name,
		Flags:    o.Flags(),
		Validate: o.Validate,
		Log:      o.Logging(),
		Run:      func(ctx context.Context, log *zap.Logger) error { return run(ctx, o, log) },
	}
}
