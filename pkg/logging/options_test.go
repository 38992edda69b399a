package logging

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
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
			flagtest.Parse(t, o.AddFlags, tt.args...)
			errs := o.Validate()
			flagtest.ExpectNamed(t, errs, tt.want)
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
	fs := flagtest.Parse(t, o.AddFlags)
	for _, p := range helpvoice.Check(fs) {
		t.Error(p)
	}
}
