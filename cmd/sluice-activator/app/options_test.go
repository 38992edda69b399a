package app

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

func TestDefaultsAreValid(t *testing.T) {
	o := programtest.Parse(t, NewOptions)
	if errs := o.Validate(); len(errs) != 0 {
		t.Fatalf("defaults invalid: %v", errs)
	}
	if !o.LeaderElection.Elect || o.Workers != 8 || o.Client.QPS != -1 || o.Client.Burst != 200 || o.MetricsBindAddress != ":8081" {
		t.Errorf("defaults = %+v", o)
	}
}

func TestFlags(t *testing.T) {
	o := programtest.Parse(t, NewOptions, "--watch-namespace=a", "--watch-namespace=b", "--leader-elect=false", "--workers=3", "--log-format=console")
	if strings.Join(o.Watch.Namespaces, ",") != "a,b" || o.LeaderElection.Elect || o.Workers != 3 || o.Log.Format != "console" {
		t.Errorf("parsed = %+v", o)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantFlag []string
	}{
		{"workers", []string{"--workers=0"}, []string{"--workers"}},
		{"logging", []string{"--log-format=xml", "--log-level=loud"}, []string{"--log-format", "--log-level"}},
		{"lease", []string{"--leader-elect-lease-name=", "--leader-elect-renew-deadline=20s"}, []string{"--leader-elect-lease-name", "--leader-elect-renew-deadline"}},
		{"lease ignored without election", []string{"--leader-elect=false", "--leader-elect-lease-name="}, nil},
		{"negative resync", []string{"--resync-period=-1s"}, []string{"--resync-period"}},
		{"resync off", []string{"--resync-period=0"}, nil},
		{"port zero", []string{"--metrics-bind-address=127.0.0.1:0", "--bound-addresses-file=bound.json"}, nil},
		{"any interface, ipv6", []string{"--metrics-bind-address=[::]:0"}, nil},
		{"metrics address without port", []string{"--metrics-bind-address=8081"}, []string{"--metrics-bind-address"}},
		{"metrics address empty", []string{"--metrics-bind-address="}, []string{"--metrics-bind-address"}},
		{"metrics port out of range", []string{"--metrics-bind-address=:70000"}, []string{"--metrics-bind-address"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			programtest.ExpectValidate(t, NewOptions, tt.args, tt.wantFlag)
		})
	}
}

func TestKubernetesFlags(t *testing.T) { programtest.KubernetesFlags(t, NewOptions) }

// TestFlagHelpVoice: the help of every flag in the voice all three
// programs share (pkg/helpvoice).
func TestFlagHelpVoice(t *testing.T) { programtest.FlagHelpVoice(t, NewOptions().Flags()...) }
