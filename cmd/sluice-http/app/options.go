// Package app wires the sluice-http program: options, clients, informers,
// the proxy listener and the metrics, health and load endpoints.
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
	// KubeAPIQPS and KubeAPIBurst are the client-side rate limits.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// ResyncPeriod is how often informers replay their caches.
	ResyncPeriod time.Duration
	// ProxyBindAddress receives the apps' requests.
	ProxyBindAddress string
	// MetricsBindAddress serves /metrics, /healthz, /readyz, /livez and
	// the load endpoint /apps/<namespace>/<scaledobject>.
	MetricsBindAddress string
	// BoundAddressesFile, when set, receives the bound addresses (see
	// pkg/boundaddrs) under "metrics" and "proxy".
	BoundAddressesFile string
	// MaxHeldRequests bounds the requests held per app while it wakes.
	MaxHeldRequests int
	// WakeTimeout is how long a request is held at most.
	WakeTimeout time.Duration
	// TouchInterval is how often requests to a warm app refresh its wake
	// stamp; keep it below the apps' cooldownPeriod.
	TouchInterval time.Duration
	// LogFormat is json or console; LogLevel debug, info, warn or error.
	LogFormat string
	LogLevel  string
}

// NewOptions returns the defaults. The ports differ from the adapter's
// (:6443, :8080) and the activator's (:8081), so all run on one host.
func NewOptions() *Options {
	return &Options{
		KubeAPIQPS:         50,
		KubeAPIBurst:       100,
		ResyncPeriod:       10 * time.Minute,
		ProxyBindAddress:   ":8000",
		MetricsBindAddress: ":8082",
		MaxHeldRequests:    1000,
		WakeTimeout:        2 * time.Minute,
		TouchInterval:      30 * time.Second,
		LogFormat:          logging.FormatJSON,
		LogLevel:           "info",
	}
}

// Flags returns the flags bound to o, one set per concern, in help order.
func (o *Options) Flags() []*pflag.FlagSet {
	kube := pflag.NewFlagSet("kubernetes", pflag.ContinueOnError)
	kube.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Path to a kubeconfig; in-cluster config when empty.")
	kube.StringArrayVar(&o.WatchNamespaces, "watch-namespace", o.WatchNamespaces, "Namespace to route apps of; repeat for several. All namespaces when not given.")
	kube.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS, "Client-side queries per second to the API server.")
	kube.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst, "Client-side burst of queries to the API server.")
	kube.DurationVar(&o.ResyncPeriod, "resync-period", o.ResyncPeriod, "How often informers replay their caches.")

	front := pflag.NewFlagSet("front", pflag.ContinueOnError)
	front.StringVar(&o.ProxyBindAddress, "proxy-bind-address", o.ProxyBindAddress, "Address receiving the apps' HTTP requests. Port 0 picks a free one.")
	front.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "Address serving /metrics, health and /apps/<namespace>/<scaledobject>. Port 0 picks a free one.")
	front.StringVar(&o.BoundAddressesFile, "bound-addresses-file", o.BoundAddressesFile, "File to write the bound listen addresses to, as JSON, once listening (for port 0). Not written when empty.")
	front.IntVar(&o.MaxHeldRequests, "max-held-requests", o.MaxHeldRequests, "Requests held per app while it wakes; more get 503.")
	front.DurationVar(&o.WakeTimeout, "wake-timeout", o.WakeTimeout, "How long a request is held for its app to wake before a 503.")
	front.DurationVar(&o.TouchInterval, "touch-interval", o.TouchInterval, "How often requests to a running app refresh its activity stamp; below the apps' cooldownPeriod.")

	lg := pflag.NewFlagSet("logging", pflag.ContinueOnError)
	lg.StringVar(&o.LogFormat, "log-format", o.LogFormat, "Log format: json or console.")
	lg.StringVar(&o.LogLevel, "log-level", o.LogLevel, "Log level: debug, info, warn or error.")
	return []*pflag.FlagSet{kube, front, lg}
}

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--"+flag+": "+format, args...))
	}
	if o.KubeAPIQPS <= 0 {
		bad("kube-api-qps", "must be positive, got %v", o.KubeAPIQPS)
	}
	if o.KubeAPIBurst < 1 {
		bad("kube-api-burst", "must be at least 1, got %d", o.KubeAPIBurst)
	}
	if o.ResyncPeriod < 0 {
		bad("resync-period", "must not be negative, got %v", o.ResyncPeriod)
	}
	for flag, addr := range map[string]string{"proxy-bind-address": o.ProxyBindAddress, "metrics-bind-address": o.MetricsBindAddress} {
		if !validHostPort(addr) {
			bad(flag, "must be host:port, for example :8000 or 127.0.0.1:0, got %q", addr)
		}
	}
	for _, ns := range o.WatchNamespaces {
		if ns == "" {
			bad("watch-namespace", "must not be empty")
		}
	}
	if o.MaxHeldRequests < 1 {
		bad("max-held-requests", "must be at least 1, got %d", o.MaxHeldRequests)
	}
	if o.WakeTimeout <= 0 {
		bad("wake-timeout", "must be positive, got %v", o.WakeTimeout)
	}
	if o.TouchInterval < time.Second {
		bad("touch-interval", "must be at least 1s, got %v", o.TouchInterval)
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
