package logging

import (
	"fmt"

	"github.com/spf13/pflag"
	"go.uber.org/zap"
)

// Options are the logging flags every Sluice program shares: --log-format
// and --log-level. The zero value is not valid: start from NewOptions.
type Options struct {
	// Format is json or console; Level debug, info, warn or error.
	Format, Level string
}

// NewOptions returns the defaults: JSON at info.
func NewOptions() Options {
	return Options{Format: FormatJSON, Level: "info"}
}

// AddFlags binds o to fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Format, "log-format", o.Format, "log format: json or console")
	fs.StringVar(&o.Level, "log-level", o.Level, "log level: debug, info, warn or error")
}

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	if !ValidFormat(o.Format) {
		errs = append(errs, fmt.Errorf("--log-format: must be json or console, got %q", o.Format))
	}
	if !ValidLevel(o.Level) {
		errs = append(errs, fmt.Errorf("--log-level: must be debug, info, warn or error, got %q", o.Level))
	}
	return errs
}

// New builds the logger o describes (see New).
func (o *Options) New() (*zap.Logger, error) {
	return New(o.Format, o.Level)
}
