package helpvoice

import (
	"testing"

	"github.com/spf13/pflag"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		usage string
		ok    bool
	}{
		{"queries per second to kube-apiserver", true},
		{"ScaledObjects reconciled at once", true},
		{"Secret to pull the image with (imagePullSecrets)", true},
		{"address serving /metrics; port 0 picks a free one", true},
		{"Path to a kubeconfig; in-cluster config when empty.", false},
		{"Path to a kubeconfig", false},
		{"path to a kubeconfig.", false},
		{"one. two", false},
		{"add a trigger, type:key=value,... (repeatable)", true},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.usage, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			fs.String("x", "", tt.usage)
			if got := len(Check(fs)) == 0; got != tt.ok {
				t.Errorf("Check(%q) ok = %v, want %v: %v", tt.usage, got, tt.ok, Check(fs))
			}
		})
	}
}
