package leader

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Options)
		want   string
	}{
		{"defaults", func(*Options) {}, ""},
		{"off ignores the rest", func(o *Options) { o.Elect, o.LeaseName = false, "" }, ""},
		{"no name", func(o *Options) { o.LeaseName = "" }, "--leader-elect-lease-name"},
		{"no namespace", func(o *Options) { o.LeaseNamespace = "" }, "--leader-elect-lease-namespace"},
		{"renew deadline past lease", func(o *Options) { o.RenewDeadline = o.LeaseDuration }, "--leader-elect-renew-deadline"},
		{"retry past renew deadline", func(o *Options) { o.RetryPeriod = o.RenewDeadline }, "--leader-elect-retry-period"},
		{"zero retry", func(o *Options) { o.RetryPeriod = 0 }, "--leader-elect-retry-period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions("x", "y")
			tt.mutate(&o)
			got := fmt.Sprint(o.Validate())
			if tt.want == "" && got != "[]" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("Validate = %s, want %q", got, tt.want)
			}
		})
	}
}

// TestFlags: both programs register the same names.
func TestFlags(t *testing.T) {
	o := NewOptions("x", "y")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	o.AddFlags(fs, "lead")
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	want := "leader-elect leader-elect-lease-duration leader-elect-lease-name leader-elect-lease-namespace leader-elect-renew-deadline leader-elect-retry-period"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("flags %q, want %q", got, want)
	}
}
