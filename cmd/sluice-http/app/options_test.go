package app

import (
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/helpvoice"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{name: "defaults"},
		{name: "wake timeout", mod: func(o *Options) { o.WakeTimeout = 0 }, want: "--wake-timeout"},
		{name: "touch interval", mod: func(o *Options) { o.TouchInterval = time.Millisecond }, want: "--touch-interval"},
		{name: "replay body negative", mod: func(o *Options) { o.MaxReplayBodyBytes = -1 }, want: "--max-replay-body-bytes"},
		{name: "replay body too large", mod: func(o *Options) { o.MaxReplayBodyBytes = 1 << 30 }, want: "--max-replay-body-bytes"},
		{name: "replay body off", mod: func(o *Options) { o.MaxReplayBodyBytes = 0 }},
		{name: "held", mod: func(o *Options) { o.MaxHeldRequests = -1 }, want: "--max-held-requests"},
		{name: "metrics address", mod: func(o *Options) { o.MetricsBindAddress = "x" }, want: "--metrics-bind-address"},
		{name: "log level", mod: func(o *Options) { o.Log.Level = "loud" }, want: "--log-level"},
		{name: "qps zero", mod: func(o *Options) { o.Client.QPS = 0 }, want: "--kube-api-qps"},
		{name: "burst with a limiter", mod: func(o *Options) { o.Client.QPS, o.Client.Burst = 50, 0 }, want: "--kube-api-burst"},
		{name: "no limiter, burst unused", mod: func(o *Options) { o.Client.QPS, o.Client.Burst = -1, 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			if tt.mod != nil {
				tt.mod(o)
			}
			errs := o.Validate()
			if tt.want == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("errors %v, want one naming %s", errs, tt.want)
			}
		})
	}
}

// TestFlagHelpVoice: the help of every flag in the voice every program
// shares (pkg/helpvoice).
func TestFlagHelpVoice(t *testing.T) {
	for _, fs := range NewOptions().Flags() {
		for _, p := range helpvoice.Check(fs) {
			t.Error(p)
		}
	}
}
