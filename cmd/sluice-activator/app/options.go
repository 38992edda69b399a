// Package app wires the sluice-activator program: options, clients,
// informers, leader election, the HTTP endpoints and the controller. Tests
// that need the whole program (e2e) call Run with Options pointing at a
// test control plane.
package app

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/logging"
)

// Options are the program's settings; NewOptions holds the defaults.
type Options struct {
	// Kubeconfig is a kubeconfig path; empty means in-cluster config.
	Kubeconfig string
	// WatchNamespaces limits the watch to these namespaces; empty means all.
	WatchNamespaces []string
	// LeaderElect runs the workers only while holding the Lease.
	LeaderElect bool
	// LeaseName and LeaseNamespace name the leader-election Lease.
	LeaseName      string
	LeaseNamespace string
	// LeaseDuration, RenewDeadline and RetryPeriod tune leader election.
	LeaseDuration time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
	// Workers is the number of ScaledObjects reconciled in parallel.
	Workers int
	// KubeAPIQPS and KubeAPIBurst are the client-side rate limits. A
	// negative QPS (the default) turns the client-side limiter off and
	// leaves flow control to the API server's priority and fairness;
	// KubeAPIBurst applies only when KubeAPIQPS is positive.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// ResyncPeriod is how often informers replay their caches.
	ResyncPeriod time.Duration
	// MetricsBindAddress serves /metrics, /healthz, /readyz and /livez.
	// Port 0 picks a free port.
	MetricsBindAddress string
	// BoundAddressesFile, when set, receives the address the metrics
	// listener bound (see pkg/boundaddrs): how whoever starts the activator
	// with port 0 learns its port.
	BoundAddressesFile string
	// LogFormat is json or console; LogLevel debug, info, warn or error.
	LogFormat string
	LogLevel  string
}

// NewOptions returns the defaults. The metrics and health endpoints listen
// on :8081 so that they never clash with the adapter's API port (:6443) or
// its own metrics port (:8080) when both run on one host.
func NewOptions() *Options {
	return &Options{
		LeaderElect:        true,
		LeaseName:          "sluice-activator",
		LeaseNamespace:     "sluice-system",
		LeaseDuration:      15 * time.Second,
		RenewDeadline:      10 * time.Second,
		RetryPeriod:        2 * time.Second,
		Workers:            8,
		KubeAPIQPS:         -1,
		KubeAPIBurst:       200,
		ResyncPeriod:       10 * time.Minute,
		MetricsBindAddress: ":8081",
		LogFormat:          logging.FormatJSON,
		LogLevel:           "info",
	}
}

// Flags returns the flags bound to o, one set per concern, in help order.
func (o *Options) Flags() []*pflag.FlagSet {
	kube := pflag.NewFlagSet("kubernetes", pflag.ContinueOnError)
	kube.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Path to a kubeconfig; in-cluster config when empty.")
	kube.StringArrayVar(&o.WatchNamespaces, "watch-namespace", o.WatchNamespaces, "Namespace to watch; repeat for several. All namespaces when not given.")
	kube.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS, "Client-side queries per second to the API server; negative turns the client-side limiter off and relies on the server's API priority and fairness.")
	kube.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst, "Client-side burst of queries to the API server, when --kube-api-qps is positive.")
	kube.DurationVar(&o.ResyncPeriod, "resync-period", o.ResyncPeriod, "How often informers replay their caches.")

	le := pflag.NewFlagSet("leader election", pflag.ContinueOnError)
	le.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "Run the workers only while holding the leader Lease.")
	le.StringVar(&o.LeaseName, "leader-elect-lease-name", o.LeaseName, "Name of the leader-election Lease.")
	le.StringVar(&o.LeaseNamespace, "leader-elect-lease-namespace", o.LeaseNamespace, "Namespace of the leader-election Lease.")
	le.DurationVar(&o.LeaseDuration, "leader-elect-lease-duration", o.LeaseDuration, "How long a Lease is valid without renewal.")
	le.DurationVar(&o.RenewDeadline, "leader-elect-renew-deadline", o.RenewDeadline, "How long the leader tries to renew before giving up.")
	le.DurationVar(&o.RetryPeriod, "leader-elect-retry-period", o.RetryPeriod, "How often candidates try to acquire or renew.")

	ctl := pflag.NewFlagSet("controller", pflag.ContinueOnError)
	ctl.IntVar(&o.Workers, "workers", o.Workers, "ScaledObjects reconciled in parallel.")
	ctl.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "Address serving /metrics, /healthz, /readyz and /livez. Port 0 picks a free one.")
	ctl.StringVar(&o.BoundAddressesFile, "bound-addresses-file", o.BoundAddressesFile, "File to write the bound listen address to, as JSON, once listening (for port 0). Not written when empty.")

	lg := pflag.NewFlagSet("logging", pflag.ContinueOnError)
	lg.StringVar(&o.LogFormat, "log-format", o.LogFormat, "Log format: json or console.")
	lg.StringVar(&o.LogLevel, "log-level", o.LogLevel, "Log level: debug, info, warn or error.")
	return []*pflag.FlagSet{kube, le, ctl, lg}
}

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--"+flag+": "+format, args...))
	}
	if o.Workers < 1 {
		bad("workers", "must be at least 1, got %d", o.Workers)
	}
	if o.KubeAPIQPS == 0 {
		bad("kube-api-qps", "must be positive, or negative to turn the client-side limiter off, got %v", o.KubeAPIQPS)
	}
	if o.KubeAPIQPS > 0 && o.KubeAPIBurst < 1 {
		bad("kube-api-burst", "must be at least 1, got %d", o.KubeAPIBurst)
	}
	if o.ResyncPeriod < 0 {
		bad("resync-period", "must not be negative, got %v", o.ResyncPeriod)
	}
	if !validHostPort(o.MetricsBindAddress) {
		bad("metrics-bind-address", "must be host:port, for example :8081 or 127.0.0.1:0, got %q", o.MetricsBindAddress)
	}
	for _, ns := range o.WatchNamespaces {
		if ns == "" {
			bad("watch-namespace", "must not be empty")
		}
	}
	if o.LeaderElect {
		if o.LeaseName == "" {
			bad("leader-elect-lease-name", "must not be empty")
		}
		if o.LeaseNamespace == "" {
			bad("leader-elect-lease-namespace", "must not be empty")
		}
		if o.RenewDeadline >= o.LeaseDuration {
			bad("leader-elect-renew-deadline", "must be less than --leader-elect-lease-duration")
		}
		if o.RetryPeriod <= 0 {
			bad("leader-elect-retry-period", "must be positive")
		}
	}
	if !logging.ValidFormat(o.LogFormat) {
		bad("log-format", "must be json or console, got %q", o.LogFormat)
	}
	if !logging.ValidLevel(o.LogLevel) {
		bad("log-level", "must be debug, info, warn or error, got %q", o.LogLevel)
	}
	return errs
}

// validHostPort reports whether addr is host:port with a numeric port; the
// host may be empty (every interface).
func validHostPort(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}
