package kubeclient

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
)

// TestWatch: --watch-namespace takes repeats and commas alike, both flags
// parse into w, and Validate reports every bad value, the period first,
// each naming its flag.
func TestWatch(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		namespaces []string
		resync     time.Duration
		wantErr    []string // prefixes of the errors, in order
	}{
		{"defaults", nil, nil, 10 * time.Minute, nil},
		{"repeated", []string{"--watch-namespace=a", "--watch-namespace=b"}, []string{"a", "b"}, 10 * time.Minute, nil},
		{"comma-separated", []string{"--watch-namespace=a,b", "--resync-period=30s"}, []string{"a", "b"}, 30 * time.Second, nil},
		{"resync off", []string{"--resync-period=0"}, nil, 0, nil},
		{"negative resync", []string{"--resync-period=-1s"}, nil, -time.Second, []string{"--resync-period: must not be negative, got -1s"}},
		{"empty", []string{"--watch-namespace="}, []string{""}, 10 * time.Minute, []string{"--watch-namespace: must not be empty"}},
		{"empty entry", []string{"--watch-namespace=a,"}, []string{"a", ""}, 10 * time.Minute, []string{"--watch-namespace: must not be empty"}},
		{"not a name", []string{"--watch-namespace=Team_A"}, []string{"Team_A"}, 10 * time.Minute, []string{`--watch-namespace: "Team_A" is not a namespace name: `}},
		{"twice", []string{"--watch-namespace=a,b", "--watch-namespace=a"}, []string{"a", "b", "a"}, 10 * time.Minute, []string{`--watch-namespace: "a" is given twice`}},
		{"both bad", []string{"--watch-namespace=", "--resync-period=-1s"}, []string{""}, -time.Second, []string{"--resync-period: ", "--watch-namespace: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWatch()
			flagtest.Parse(t, func(fs *pflag.FlagSet) { w.AddFlags(fs, "objects to watch", "how often informers replay their caches") }, tt.args...)
			if strings.Join(w.Namespaces, "|") != strings.Join(tt.namespaces, "|") || w.ResyncPeriod != tt.resync {
				t.Errorf("parsed %q and %v, want %q and %v", w.Namespaces, w.ResyncPeriod, tt.namespaces, tt.resync)
			}
			errs := w.Validate()
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors %v, want %d", errs, len(tt.wantErr))
			}
			for i, err := range errs {
				if !strings.HasPrefix(err.Error(), tt.wantErr[i]) {
					t.Errorf("error %d = %q, want it to start %q", i, err, tt.wantErr[i])
				}
			}
		})
	}
}

// TestWatchHelp: the program's words for --resync-period, the default,
// and both flags in the shared voice.
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
