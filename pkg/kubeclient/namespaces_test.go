package kubeclient

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/internal/flagtest"
)

// TestWatchNamespaceFlag: the flag takes repeats and commas alike, and
// every bad entry is named.
func TestWatchNamespaceFlag(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr []string
	}{
		{"none", nil, nil, nil},
		{"repeated", []string{"--watch-namespace=a", "--watch-namespace=b"}, []string{"a", "b"}, nil},
		{"comma-separated", []string{"--watch-namespace=a,b"}, []string{"a", "b"}, nil},
		{"empty", []string{"--watch-namespace="}, []string{""}, []string{"must not be empty"}},
		{"empty entry", []string{"--watch-namespace=a,"}, []string{"a", ""}, []string{"must not be empty"}},
		{"not a name", []string{"--watch-namespace=Team_A"}, []string{"Team_A"}, []string{`"Team_A" is not a namespace name`}},
		{"twice", []string{"--watch-namespace=a,b", "--watch-namespace=a"}, []string{"a", "b", "a"}, []string{`"a" is given twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ns []string
			flagtest.Parse(t, func(fs *pflag.FlagSet) { AddWatchNamespaceFlag(fs, &ns, "objects to watch") }, tt.args...)
			if strings.Join(ns, "|") != strings.Join(tt.want, "|") {
				t.Errorf("namespaces = %q, want %q", ns, tt.want)
			}
			errs := ValidateWatchNamespaces(ns)
			if len(errs) != len(tt.wantErr) {
				t.Fatalf("errors = %v, want %d", errs, len(tt.wantErr))
			}
			for i, err := range errs {
				if !strings.HasPrefix(err.Error(), "--watch-namespace: ") || !strings.Contains(err.Error(), tt.wantErr[i]) {
					t.Errorf("error %d = %q, want --watch-namespace and %q", i, err, tt.wantErr[i])
				}
			}
		})
	}
}
