// Package app wires the sluice-http program: options, clients, informers,
// the proxy listener and the metrics, health and load endpoints.
package app

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/httpfront"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/logging"
)

// Options are the program's settings; NewOptions holds the defaults.
type Options struct {
	// Client is the kube-apiserver client: kubeconfig and rate limit.
	Client kubeclient.Options
	// Watch is --watch-namespace and --resync-period: the namespaces
	// watched and how often informers replay their caches.
	Watch kubeclient.Watch
	// ProxyBindAddress receives the apps' requests.
	ProxyBindAddress string
	// MetricsBindAddress serves /metrics, /healthz, /readyz, /livez and
	// the load endpoint /apps/<namespace>/<scaledobject>.
	MetricsBindAddress string
	// Profiling serves Go's runtime profiles on the metrics listener (see
	// health.Profiling).
	Profiling bool
	// BoundAddressesFile, when set, receives the bound addresses (see
	// pkg/boundaddrs) under "metrics" and "proxy".
	BoundAddressesFile string
	// MaxHeldRequests bounds the requests held per app while it wakes.
	MaxHeldRequests int
	// MaxReplayBodyBytes bounds the request bodies kept in memory so that
	// a request whose app loses its backend before answering is held and
	// sent again; 0 keeps none. Larger bodies stream.
	MaxReplayBodyBytes int64
	// WakeTimeout is how long a request is held at most.
	WakeTimeout time.Duration
	// TouchInterval is how often requests to a warm app refresh its wake
	// stamp; keep it below the apps' cooldownPeriod.
	TouchInterval time.Duration
	// Log is --log-format and --log-level.
	Log logging.Options
}

// maxReplayBodyBytes caps --max-replay-body-bytes: every request being
// forwarded may hold that much memory.
const maxReplayBodyBytes = 16 << 20

// NewOptions returns the defaults. The ports differ from the adapter's
// (:6443, :8080) and the activator's (:8081), so all run on one host.
func NewOptions() *Options {
	return &Options{
		Client:             kubeclient.NewOptions(100),
		Watch:              kubeclient.NewWatch(),
		ProxyBindAddress:   ":8000",
		MetricsBindAddress: ":8082",
		MaxHeldRequests:    1000,
		MaxReplayBodyBytes: httpfront.DefaultMaxReplayBody,
		WakeTimeout:        2 * time.Minute,
		TouchInterval:      30 * time.Second,
		Log:                logging.NewOptions(),
	}
}

// Flags returns the flags bound to o, one set per concern, in help order.
func (o *Options) Flags() []*pflag.FlagSet {
	kube := pflag.NewFlagSet("kubernetes", pflag.ContinueOnError)
	o.Client.AddFlags(kube, "watching ScaledObjects and Services and stamping wake-ups")
	o.Watch.AddFlags(kube, "apps to route", "how often informers replay their caches")

	front := pflag.NewFlagSet("front", pflag.ContinueOnError)
	front.StringVar(&o.ProxyBindAddress, "proxy-bind-address", o.ProxyBindAddress, "address receiving the apps' HTTP requests; port 0 picks a free one")
	front.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "address serving /metrics, /healthz, /readyz, /livez and /apps/<namespace>/<scaledobject> over plain HTTP; port 0 picks a free one")
	health.AddProfilingFlag(front, &o.Profiling)
	front.StringVar(&o.BoundAddressesFile, "bound-addresses-file", o.BoundAddressesFile, "file to write the addresses the listeners bound to, as JSON, once bound (for port 0); none when empty")
	front.IntVar(&o.MaxHeldRequests, "max-held-requests", o.MaxHeldRequests, "requests held per app while it wakes; more get 503")
	front.Int64Var(&o.MaxReplayBodyBytes, "max-replay-body-bytes", o.MaxReplayBodyBytes, "largest request body kept in memory so that a request whose app lost its backend is held and sent again; larger bodies stream, 0 keeps none")
	front.DurationVar(&o.WakeTimeout, "wake-timeout", o.WakeTimeout, "how long a request is held for its app to wake before a 503")
	front.DurationVar(&o.TouchInterval, "touch-interval", o.TouchInterval, "how often requests to a running app refresh its activity stamp; below the apps' cooldownPeriod")

	lg := pflag.NewFlagSet("logging", pflag.ContinueOnError)
	o.Log.AddFlags(lg)
	return []*pflag.FlagSet{kube, front, lg}
}

// Logging returns --log-format and --log-level.
func (o *Options) Logging() *logging.Options { return &o.Log }

// Validate returns every problem with o, each naming its flag.
func (o *Options) Validate() []error {
	var errs []error
	bad := func(flag, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--"+flag+": "+format, args...))
	}
	errs = append(errs, o.Client.Validate()...)
	for flag, addr := range map[string]string{"proxy-bind-address": o.ProxyBindAddress, "metrics-bind-address": o.MetricsBindAddress} {
		if !health.ValidAddress(addr) {
			bad(flag, "must be host:port, for example :8000 or 127.0.0.1:0, got %q", addr)
		}
	}
	errs = append(errs, o.Watch.Validate()...)
	if o.MaxHeldRequests < 1 {
		bad("max-held-requests", "must be at least 1, got %d", o.MaxHeldRequests)
	}
	if o.MaxReplayBodyBytes < 0 || o.MaxReplayBodyBytes > maxReplayBodyBytes {
		bad("max-replay-body-bytes", "must be 0-%d, got %d", maxReplayBodyBytes, o.MaxReplayBodyBytes)
	}
	if o.WakeTimeout <= 0 {
		bad("wake-timeout", "must be positive, got %v", o.WakeTimeout)
	}
	if o.TouchInterval < time.Second {
		bad("touch-interval", "must be at least 1s, got %v", o.TouchInterval)
	}
	return append(errs, o.Log.Validate()...)
}
