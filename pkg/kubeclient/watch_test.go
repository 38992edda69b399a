package kubeclient

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
)

// TestWatch: both flags parse into w, and Validate names each bad one,
// the period first.
func TestWatch(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		namespaces []string
		resync     time.Duration
		want       []string // flags the errors name, in order
	}{
		{"defaults", nil, nil, 10 * time.Minute, nil},
		{"set", []string{"--watch-namespace=a,b", "--resync-period=30s"}, []string{"a", "b"}, 30 * time.Second, nil},
		{"resync off", []string{"--resync-period=0"}, nil, 0, nil},
		{"negative resync", []string{"--resync-period=-1s"}, nil, -time.Second, []string{"--resync-period"}},
		{"both bad", []string{"--watch-namespace=", "--resync-period=-1s"}, []string{""}, -time.Second, []string{"--resync-period", "--watch-namespace"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWatch()
			flagtest.Parse(t, func(fs *pflag.FlagSet) { w.AddFlags(fs, "objects to watch", "how often informers replay their caches") }, tt.args...)
			if strings.Join(w.Namespaces, "|") != strings.Join(tt.namespaces, "|") || w.ResyncPeriod != tt.resync {
				t.Errorf("parsed %+v, want namespaces %q and resync %v", w, tt.namespaces, tt.resync)
			}
			flagtest.ExpectNamed(t, w.Validate(), tt.want)
		})
	}
}

func TestWatchHelp(t *testing.T) {
	w := NewWatch()
	fs := flagtest.Parse(t, func(fs *pflag.FlagSet) { w.AddFlags(fs, "objects to watch", "how often informers replay their caches") })
	if got := fs.Lookup("resync-period"); got.Usage != "how often informers replay their caches" || got.DefValue != "10m0s" {
		t.Errorf("--resync-period help %q, default %s", got.Usage, got.DefValue)
	}
	for _, p := range helpvoice.Check(fs) {
		t.Error(p)
	}
}
