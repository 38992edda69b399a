package app

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"
	cliflag "k8s.io/component-base/cli/flag"
	cmoptions "sigs.k8s.io/custom-metrics-apiserver/pkg/cmd/options"

	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/leader"
	"github.com/sluice-dev/sluice/pkg/logging"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/provider"
)

// Options configure the adapter. Start from NewOptions, bind Flags, then
// Validate before Run.
type Options struct {
	// Server holds the standard aggregated-apiserver options: secure
	// serving, delegated authentication and authorization, audit, features.
	Server *cmoptions.CustomMetricsAdapterServerOptions

	// Client is the kube-apiserver client used to watch ScaledObjects and
	// write their status: kubeconfig and rate limit.
	Client kubeclient.Options
	// Watch limits the ScaledObjects watched (all when no namespace is
	// given), and re-reads every ScaledObject, and so the Secrets its
	// triggers reference, every ResyncPeriod.
	Watch kubeclient.Watch
	// Namespace is the adapter's own namespace: ClusterTriggerAuthentications
	// read Secrets and ConfigMaps from it, and the leader-election Lease
	// lives in it.
	Namespace string
	// Workers is the number of ScaledObjects reconciled at once.
	Workers int

	// MetricsBindAddress serves /metrics, /healthz, /readyz and /livez over
	// plain HTTP. Port 0 picks a free port.
	MetricsBindAddress string
	// BoundAddressesFile, when set, receives the addresses the listeners
	// bound (see pkg/boundaddrs) once all are bound: how whoever starts the
	// adapter with port 0 learns its ports.
	BoundAddressesFile string

	// Poll and Provider configure the poll engine and the metrics API.
	Poll     poll.Options
	Provider provider.Options

	// LeaderElection elects the replica that writes status and renews the
	// serving certificate; every replica polls and serves metrics (see
	// pkg/leader; the same flags as sluice-activator's). An empty
	// LeaseNamespace means Namespace.
	LeaderElection leader.Options

	// ServingCertSecret names the Secret in Namespace holding the serving
	// certificate (mounted as --tls-cert-file and --tls-private-key-file);
	// the elected replica renews it, and the caBundle of the APIService
	// ServingCertAPIService, when Sluice generated it. Empty turns renewal
	// off.
	ServingCertSecret     string
	ServingCertAPIService string
	// ServingCertCheckInterval is the time between renewal checks;
	// ServingCertRenewBefore how long before expiry a certificate is
	// replaced.
	ServingCertCheckInterval time.Duration
	ServingCertRenewBefore   time.Duration

	// Log is --log-format and --log-level.
	Log logging.Options
}

// NewOptions returns the defaults.
func NewOptions() *Options {
	server := cmoptions.NewCustomMetricsAdapterServerOptions()
	server.SecureServing.BindPort = 6443
	// The library serves profiles on the secure port by default; here
	// --profiling is off by default, as in the other programs, and also
	// serves them on --metrics-bind-address.
	server.Features.EnableProfiling = false
	ns := os.Getenv("POD_NAMESPACE")
	if ns == "" {
		ns = "sluice-system"
	}
	return &Options{
		Server:             server,
		Client:             kubeclient.NewOptions(100),
		Namespace:          ns,
		Workers:            8,
		Watch:              kubeclient.NewWatch(),
		MetricsBindAddress: ":8080",
		Poll:               poll.NewOptions(),
		Provider:           provider.NewOptions(),
		LeaderElection:     leader.NewOptions("sluice-adapter", ""),
		Log:                logging.NewOptions(),

		ServingCertSecret:        "sluice-adapter-tls",
		ServingCertAPIService:    "v1beta1.external.metrics.k8s.io",
		ServingCertCheckInterval: time.Hour,
		ServingCertRenewBefore:   30 * 24 * time.Hour,
	}
}

// Flags returns the options' flag sets in help order, for program.Main.
func (o *Options) Flags() []*pflag.FlagSet {
	named := o.NamedFlags()
	sets := make([]*pflag.FlagSet, 0, len(named.Order))
	for _, name := range named.Order {
		sets = append(sets, named.FlagSets[name])
	}
	return sets
}

// NamedFlags returns the options' flags in named sets, in help order.
func (o *Options) NamedFlags() cliflag.NamedFlagSets {
	var fss cliflag.NamedFlagSets
	o.Server.SecureServing.AddFlags(fss.FlagSet("secure serving"))
	// The library's --secure-port 0 turns HTTPS off, which leaves an
	// aggregated API server nothing to serve; here it picks a free port.
	fss.FlagSet("secure serving").Lookup("secure-port").Usage = "port serving the external metrics API over HTTPS; 0 picks a free one (see --bound-addresses-file)"
	o.Server.Authentication.AddFlags(fss.FlagSet("authentication"))
	o.Server.Authorization.AddFlags(fss.FlagSet("authorization"))
	o.Server.Audit.AddFlags(fss.FlagSet("audit"))
	o.Server.Features.AddFlags(fss.FlagSet("features"))
	fss.FlagSet("features").Lookup("profiling").Usage = health.ProfilingHelp + "; also on the secure port, to clients authorized for /debug/pprof"

	fs := fss.FlagSet("kubernetes")
	o.Client.AddFlags(fs, "watching ScaledObjects and writing their status")
	o.Watch.AddFlags(fs, "ScaledObjects to serve", "how often every ScaledObject and the secrets it references are read again")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "the adapter's own namespace, where ClusterTriggerAuthentication secrets and the leader-election Lease live ($POD_NAMESPACE by default)")
	fs.IntVar(&o.Workers, "workers", o.Workers, "ScaledObjects reconciled at once")

	fs = fss.FlagSet("leader election")
	o.LeaderElection.AddFlags(fs, "write ScaledObject status and renew the serving certificate (every replica serves metrics)")
	fs.Lookup("leader-elect-lease-namespace").Usage += " (--namespace when empty)"
	// The adapter's flag before pkg/leader gave both programs one set.
	fs.StringVar(&o.LeaderElection.LeaseName, "leader-election-id", o.LeaderElection.LeaseName, "name of the leader-election Lease")
	_ = fs.MarkDeprecated("leader-election-id", "use --leader-elect-lease-name")

	fs = fss.FlagSet("certificates")
	fs.StringVar(&o.ServingCertSecret, "serving-cert-secret", o.ServingCertSecret, "Secret in --namespace holding the serving certificate; the elected replica renews it, and the APIService caBundle, when Sluice generated it; empty turns renewal off")
	fs.StringVar(&o.ServingCertAPIService, "serving-cert-apiservice", o.ServingCertAPIService, "APIService whose caBundle trusts the serving certificate")
	fs.DurationVar(&o.ServingCertCheckInterval, "serving-cert-check-interval", o.ServingCertCheckInterval, "time between checks of the serving certificate")
	fs.DurationVar(&o.ServingCertRenewBefore, "serving-cert-renew-before", o.ServingCertRenewBefore, "how long before expiry the serving certificate is renewed")

	fs = fss.FlagSet("polling")
	fs.IntVar(&o.Poll.MaxConcurrentPolls, "max-concurrent-polls", o.Poll.MaxConcurrentPolls, "polls of event sources running at once")
	fs.DurationVar(&o.Poll.PollTimeout, "poll-timeout", o.Poll.PollTimeout, "time limit of one poll of an event source")
	fs.IntVar(&o.Poll.StaleAfterIntervals, "stale-after-intervals", o.Poll.StaleAfterIntervals, "polling intervals without a successful poll after which a value is no longer served")
	fs.DurationVar(&o.Provider.FirstPollWait, "first-poll-wait", o.Provider.FirstPollWait, "how long a metrics request waits for a trigger's first poll")

	fs = fss.FlagSet("observability")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "address serving /metrics, /healthz, /readyz and /livez over plain HTTP; port 0 picks a free one")
	fs.BoolVar(&o.Poll.KEDACompatibleMetrics, "keda-compatible-metrics", o.Poll.KEDACompatibleMetrics, "also export KEDA's metric names and labels on /metrics (keda_scaler_metrics_value, keda_scaler_active, keda_scaler_detail_errors_total, …) so that KEDA's dashboards and alerts keep working")
	fs.StringVar(&o.BoundAddressesFile, "bound-addresses-file", o.BoundAddressesFile, "file to write the addresses the listeners bound to, as JSON, once all are bound (for port 0); none when empty")
	o.Log.AddFlags(fs)
	return fss
}

// Validate reports every invalid option at once, each naming its flag.
func (o *Options) Validate() []error {
	errs := o.Server.Validate()
	check := func(ok bool, flag, want string) {
		if !ok {
			errs = append(errs, fmt.Errorf("--%s: %s", flag, want))
		}
	}
	errs = append(errs, o.Client.Validate()...)
	check(o.Namespace != "", "namespace", "must not be empty")
	check(o.Workers > 0, "workers", "must be greater than 0")
	check(o.Watch.ResyncPeriod >= time.Minute, "resync-period", "must be at least 1m")
	check(health.ValidAddress(o.MetricsBindAddress), "metrics-bind-address", "must be host:port, for example :8080 or 127.0.0.1:0")
	check(o.Poll.MaxConcurrentPolls > 0, "max-concurrent-polls", "must be greater than 0")
	check(o.Poll.PollTimeout > 0, "poll-timeout", "must be greater than 0")
	check(o.Poll.StaleAfterIntervals > 0, "stale-after-intervals", "must be greater than 0")
	check(o.Provider.FirstPollWait >= 0, "first-poll-wait", "must not be negative")
	le := o.LeaderElection
	// An empty lease namespace is --namespace, whose emptiness is reported
	// above.
	le.LeaseNamespace = cmp.Or(le.LeaseNamespace, o.Namespace, "-")
	errs = append(errs, le.Validate()...)
	if o.ServingCertSecret != "" {
		check(o.ServingCertAPIService != "", "serving-cert-apiservice", "must not be empty")
		check(o.ServingCertCheckInterval >= time.Second, "serving-cert-check-interval", "must be at least 1s")
		check(o.ServingCertRenewBefore > o.ServingCertCheckInterval, "serving-cert-renew-before", "must be longer than --serving-cert-check-interval")
	}
	errs = append(errs, o.Log.Validate()...)
	// Not o.Watch.Validate: the adapter's floor on --resync-period (1m)
	// is stricter than its "must not be negative".
	errs = append(errs, kubeclient.ValidateWatchNamespaces(o.Watch.Namespaces)...)
	return errs
}

// Logging returns --log-format and --log-level.
func (o *Options) Logging() *logging.Options { return &o.Log }

// ValidateErr joins Validate's errors, or returns nil.
func (o *Options) ValidateErr() error { return errors.Join(o.Validate()...) }
