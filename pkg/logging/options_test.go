package logging

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
)

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // flags the errors name, in order
	}{
		{"defaults", nil, nil},
		{"console debug", []string{"--log-format=console", "--log-level=debug"}, nil},
		{"bad format", []string{"--log-format=xml"}, []string{"--log-format"}},
		{"both bad", []string{"--log-format=xml", "--log-level=loud"}, []string{"--log-format", "--log-level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			errs := o.Validate()
			if len(errs) != len(tt.want) {
				t.Fatalf("errors %v, want ones naming %v", errs, tt.want)
			}
			for i, err := range errs {
				if !strings.HasPrefix(err.Error(), tt.want[i]+":") {
					t.Errorf("error %q does not name %s", err, tt.want[i])
				}
			}
			log, err := o.New()
			if (err != nil) != (len(tt.want) > 0) {
				t.Fatalf("New() error %v with problems %v", err, errs)
			}
			if log != nil {
				_ = log.Sync()
			}
		})
	}
}

func TestOptionsHelpVoice(t *testing.T) {
	o := NewOptions()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	o.AddFlags(fs)
	for _, p := range helpvoice.Check(fs) {
		t.Error(p)
	}
}
