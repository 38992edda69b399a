package app

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantFlag []string
	}{
		{"defaults", nil, nil},
		{"wake timeout", []string{"--wake-timeout=0"}, []string{"--wake-timeout"}},
		{"touch interval", []string{"--touch-interval=1ms"}, []string{"--touch-interval"}},
		{"replay body negative", []string{"--max-replay-body-bytes=-1"}, []string{"--max-replay-body-bytes"}},
		{"replay body too large", []string{"--max-replay-body-bytes=1073741824"}, []string{"--max-replay-body-bytes"}},
		{"replay body off", []string{"--max-replay-body-bytes=0"}, nil},
		{"held", []string{"--max-held-requests=-1"}, []string{"--max-held-requests"}},
		{"metrics address", []string{"--metrics-bind-address=x"}, []string{"--metrics-bind-address"}},
		{"log level", []string{"--log-level=loud"}, []string{"--log-level"}},
		{"negative resync", []string{"--resync-period=-1s"}, []string{"--resync-period"}},
		{"resync off", []string{"--resync-period=0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			programtest.ExpectValidate(t, NewOptions, tt.args, tt.wantFlag)
		})
	}
}

func TestKubernetesFlags(t *testing.T) { programtest.KubernetesFlags(t, NewOptions) }

// TestFlagHelpVoice: the help of every flag in the voice every program
// shares (pkg/helpvoice).
func TestFlagHelpVoice(t *testing.T) { programtest.FlagHelpVoice(t, NewOptions().Flags()...) }
