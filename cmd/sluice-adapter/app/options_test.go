package app

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/program/programtest"
)

// checkValidate parses args and checks that Validate finds no problem
// (wantErr empty) or one whose text contains wantErr.
func checkValidate(t *testing.T, args []string, wantErr string) {
	t.Helper()
	err := programtest.Parse(t, NewOptions, args...).ValidateErr()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("Validate(%q) = %v, want nil", args, err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("Validate(%q) = %v, want an error containing %q", args, err, wantErr)
	}
}

func TestListenFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"port zero everywhere", []string{"--secure-port=0", "--metrics-bind-address=127.0.0.1:0", "--bound-addresses-file=/tmp/x"}, ""},
		{"every interface", []string{"--metrics-bind-address=:0"}, ""},
		{"ipv6", []string{"--metrics-bind-address=[::1]:0"}, ""},
		{"no port", []string{"--metrics-bind-address=8080"}, "--metrics-bind-address: must be host:port"},
		{"empty", []string{"--metrics-bind-address="}, "--metrics-bind-address: must be host:port"},
		{"port out of range", []string{"--metrics-bind-address=:65536"}, "--metrics-bind-address: must be host:port"},
		{"named port", []string{"--metrics-bind-address=:http"}, "--metrics-bind-address: must be host:port"},
		{"negative secure port", []string{"--secure-port=-1"}, "--secure-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkValidate(t, tt.args, tt.wantErr) })
	}
}

// TestKubernetesFlagErrors: what the adapter says of its kubernetes
// flags; it holds --resync-period to at least a minute, stricter than the
// other programs' "not negative".
func TestKubernetesFlagErrors(t *testing.T) {
	if o := NewOptions(); o.Client.QPS >= 0 {
		t.Errorf("default --kube-api-qps = %v, want negative (client-side limiter off)", o.Client.QPS)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"limiter off ignores burst", []string{"--kube-api-qps=-1", "--kube-api-burst=0"}, ""},
		{"limiter on", []string{"--kube-api-qps=50", "--kube-api-burst=100"}, ""},
		{"qps zero", []string{"--kube-api-qps=0"}, "--kube-api-qps: must be positive, or negative"},
		{"burst zero with a limit", []string{"--kube-api-qps=50", "--kube-api-burst=0"}, "--kube-api-burst: must be greater than 0"},
		{"resync a minute", []string{"--resync-period=1m", "--watch-namespace=a,b"}, ""},
		{"resync below a minute", []string{"--resync-period=30s"}, "--resync-period: must be at least 1m"},
		{"resync negative", []string{"--resync-period=-1s"}, "--resync-period: must be at least 1m"},
		{"empty namespace", []string{"--watch-namespace="}, "--watch-namespace: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkValidate(t, tt.args, tt.wantErr) })
	}
}

func TestKubernetesFlags(t *testing.T) { programtest.KubernetesFlags(t, NewOptions) }

func TestSecurePortHelpSaysZeroPicksAPort(t *testing.T) {
	named := NewOptions().NamedFlags()
	f := named.FlagSet("secure serving").Lookup("secure-port")
	if !strings.Contains(f.Usage, "0 picks a free one") {
		t.Errorf("--secure-port help = %q", f.Usage)
	}
}

// TestFlagHelpVoice: the help of every flag Sluice defines in the voice
// all three programs share (pkg/helpvoice); the apiserver library's own
// flag sets keep the library's words.
func TestFlagHelpVoice(t *testing.T) {
	library := map[string]bool{"secure serving": true, "authentication": true, "authorization": true, "audit": true, "features": true}
	named := NewOptions().NamedFlags()
	for _, name := range named.Order {
		if !library[name] {
			programtest.FlagHelpVoice(t, named.FlagSets[name])
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	programtest.ExpectValidate(t, NewOptions, nil, nil)
	programtest.ExpectValidate(t, NewOptions, []string{"--workers=0", "--namespace=", "--log-format=xml"}, []string{"--namespace", "--workers", "--log-format"})
}

// TestProfilingFlag: the apiserver library's --profiling is off by default
// here, as in the other programs, speaks in their voice, and turns on the
// profiles that both listeners serve.
func TestProfilingFlag(t *testing.T) {
	named := NewOptions().NamedFlags()
	f := named.FlagSet("features").Lookup("profiling")
	if f.DefValue != "false" {
		t.Errorf("--profiling defaults to %s, want false", f.DefValue)
	}
	one := pflag.NewFlagSet("profiling", pflag.ContinueOnError)
	one.AddFlag(f)
	programtest.FlagHelpVoice(t, one)
	if o := programtest.Parse(t, NewOptions); o.Server.Features.EnableProfiling {
		t.Error("profiling on without --profiling")
	}
	if o := programtest.Parse(t, NewOptions, "--profiling"); !o.Server.Features.EnableProfiling {
		t.Error("--profiling did not turn profiling on")
	}
}
