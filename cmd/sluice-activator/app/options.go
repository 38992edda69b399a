// Package app wires the sluice-activator program: options, clients,
// informers, leader election, the HTTP endpoints and the controller. Tests
// that need the whole program (e2e) call Run with Options pointing at a
// test control plane.
package app

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/leader"
	"github.com/sluice-dev/sluice/pkg/logging"
)

// Options are the program's settings; NewOptions holds the defaults.
type Options struct {
	// Client is the kube-apiserver client: kubeconfig and rate limit.
	Client kubeclient.Options
	// Watch is --watch-namespace and --resync-period: the namespaces
	// watched and how often informers replay their caches.
	Watch kubeclient.Watch
	// LeaderElection runs the workers only while holding the Lease (see
	// pkg/leader; the same flags as sluice-adapter's).
	LeaderElection leader.Options
	// Workers is the number of ScaledObjects reconciled in parallel.
	Workers int
	// MetricsBindAddress serves /metrics, /healthz, /readyz and /livez.
	// Port 0 picks a free port.
	MetricsBindAddress string
	// BoundAddressesFile, when set, receives the address the metrics
	// listener bound (see pkg/boundaddrs): how whoever starts the activator
	// with port 0 learns its port.
	BoundAddressesFile string
	// Profiling serves Go's runtime profiles on the metrics listener (see
	// health.Profiling).
	Profiling bool
	// KEDACompatibleMetrics also exports KEDA's keda_scaled_object_paused.
	KEDACompatibleMetrics bool
	// Log is --log-format and --log-level.
	Log logging.Options
}

// NewOptions returns the defaults. The metrics and health endpoints listen
// on :8081 so that they never clash with the adapter's API port (:6443) or
// its own metrics port (:8080) when both run on one host.
func NewOptions() *Options {
	return &Options{
		LeaderElection:        leader.NewOptions("sluice-activator", "sluice-system"),
		Workers:               8,
		Client:                kubeclient.NewOptions(200),
		Watch:                 kubeclient.NewWatch(),
		MetricsBindAddress:    ":8081",
		KEDACompatibleMetrics: true,
		Log:                   logging.NewOptions(),
	}
}

// Flags returns the flags bound to o, one set per concern, in help order.
func (o *Options) Flags() []*pflag.FlagSet {
	kube := pflag.NewFlagSet("kubernetes", pflag.ContinueOnError)
	o.Client.AddFlags(kube, "watching ScaledObjects and writing HPAs, status and /scale")
	o.Watch.AddFlags(kube, "ScaledObjects to reconcile", "how often every ScaledObject and HPA is reconciled again")

	le := pflag.NewFlagSet("leader election", pflag.ContinueOnError)
	o.LeaderElection.AddFlags(le, "reconcile ScaledObjects and scale targets")

	ctl := pflag.NewFlagSet("controller", pflag.ContinueOnError)
	ctl.IntVar(&o.Workers, "workers", o.Workers, "ScaledObjects reconciled at once")
	ctl.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "address serving /metrics, /healthz, /readyz and /livez over plain HTTP; port 0 picks a free one")
	health.AddProfilingFlag(ctl, &o.Profiling)
	ctl.BoolVar(&o.KEDACompatibleMetrics, "keda-compatible-metrics", o.KEDACompatibleMetrics, "also export KEDA's keda_scaled_object_paused on /metrics, so that KEDA's dashboards and alerts keep working")
	ctl.StringVar(&o.BoundAddressesFile, "bound-addresses-file", o.BoundAddressesFile, "file to write the address the listener bound to, as JSON, once bound (for port 0); none when empty")

	lg := pflag.NewFlagSet("logging", pflag.ContinueOnError)
	o.Log.AddFlags(lg)
	return []*pflag.FlagSet{kube, le, ctl, lg}
}

// Logging returns --log-format and --log-level.
func (o *Options) Logging() *logging.Options { return &o.Log }

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--"+flag+": "+format, args...))
	}
	if o.Workers < 1 {
		bad("workers", "must be at least 1, got %d", o.Workers)
	}
	errs = append(errs, o.Client.Validate()...)
	if !health.ValidAddress(o.MetricsBindAddress) {
		bad("metrics-bind-address", "must be host:port, for example :8081 or 127.0.0.1:0, got %q", o.MetricsBindAddress)
	}
	errs = append(errs, o.Watch.Validate()...)
	errs = append(errs, o.LeaderElection.Validate()...)
	return append(errs, o.Log.Validate()...)
}
