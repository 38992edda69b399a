// Package app wires the sluice-adapter program: options, clients, the
// poll engine, the external-metrics API server (custom-metrics-apiserver)
// over its store, leader election, certificate renewal and the HTTP
// endpoints, around the core in pkg/adapter. Tests that need the whole
// program (e2e) run the built binary.
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/component-base/metrics/legacyregistry"
	basecmd "sigs.k8s.io/custom-metrics-apiserver/pkg/cmd"

	"github.com/sluice-dev/sluice/pkg/adapter"
	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/provider"
	"github.com/sluice-dev/sluice/pkg/scalers/builtin"
)

// Run serves until ctx is done or a component fails. o must have been
// validated.
func Run(ctx context.Context, o *Options, log *zap.Logger) error {
	clients, err := o.Client.Clients("sluice-adapter")
	if err != nil {
		return err
	}
	cfg, kube, keda := clients.Config, clients.Kube, clients.Sluice
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("build dynamic client: %w", err)
	}
	// The Go and process collectors come with the apiserver library's
	// registry, which /metrics serves beside this one.
	reg := prometheus.NewRegistry()
	engine, err := poll.New(o.Poll, log, reg)
	if err != nil {
		return err
	}
	registry, err := builtin.NewRegistry()
	if err != nil {
		return err
	}
	recorder, stopEvents, err := kubeclient.NewRecorder(ctx, kube, "sluice-adapter")
	if err != nil {
		return err
	}
	defer stopEvents()

	meta, err := metadata.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("build metadata client: %w", err)
	}
	core, err := adapter.New(adapter.Config{
		Kube: kube, Keda: keda, Dynamic: dyn, Metadata: meta,
		Engine: engine, Registry: registry, Recorder: recorder,
		WatchNamespaces: o.Watch.Namespaces, Namespace: o.Namespace, ResyncPeriod: o.Watch.ResyncPeriod, Workers: o.Workers,
		Log: log,
	})
	if err != nil {
		return fmt.Errorf("set up informers: %w", err)
	}
	provOpts := o.Provider
	provOpts.Replicas = core.Replicas()
	prov, err := provider.New(engine, provOpts)
	if err != nil {
		return err
	}

	var serving atomic.Bool
	healthLn, server, err := listen(o, prov, reg, &serving)
	if err != nil {
		return err
	}
	renewer := o.renewer(kube, dyn, recorder, log)

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return engine.Run(ctx) })
	g.Go(func() error {
		core.Run(ctx)
		return nil
	})
	g.Go(func() error {
		return runElected(ctx, o, kube, log, func(ctx context.Context) {
			var renew func(context.Context)
			if renewer != nil {
				renew = renewer.Run
			}
			leaderJobs(ctx, core.Lead, renew)
		})
	})
	// The apiserver library's registry (request metrics, Go and process
	// collectors) is served beside the adapter's own.
	gatherers := prometheus.Gatherers{reg, legacyregistry.DefaultGatherer}
	g.Go(func() error {
		return health.Serve(ctx, healthLn, gatherers, readiness(core.HasSynced, serving.Load), log, health.WithProfiling(o.Server.Features.EnableProfiling))
	})
	g.Go(func() error {
		if err := server.Run(ctx); err != nil {
			return fmt.Errorf("serve external metrics: %w", err)
		}
		return nil
	})
	log.Info("adapter started", zap.Stringer("metricsAddress", healthLn.Addr()), zap.Stringer("secureAddress", o.Server.SecureServing.Listener.Addr()))
	return g.Wait()
}

// listen binds the metrics listener and builds the API server, which binds
// the secure one, and then writes --bound-addresses-file.
func listen(o *Options, prov *provider.Provider, reg prometheus.Registerer, serving *atomic.Bool) (net.Listener, *basecmd.AdapterBase, error) {
	health, err := listenHealth(o.MetricsBindAddress)
	if err != nil {
		return nil, nil, err
	}
	server, err := apiServer(o, prov, reg, serving)
	if err == nil {
		err = boundaddrs.Write(o.BoundAddressesFile, map[string]net.Addr{
			boundaddrs.Metrics: health.Addr(),
			boundaddrs.Secure:  o.Server.SecureServing.Listener.Addr(),
		})
	}
	if err != nil {
		_ = health.Close()
		if l := o.Server.SecureServing.Listener; l != nil {
			_ = l.Close()
		}
		return nil, nil, err
	}
	return health, server, nil
}

// listenSecure binds --bind-address on a free port when --secure-port is 0
// (which to the apiserver library means "no HTTPS"). A fixed port is bound
// by the library, with its port- and address-sharing options.
func listenSecure(s *genericoptions.SecureServingOptions) error {
	if s.BindPort != 0 || s.Listener != nil {
		return nil
	}
	host := ""
	if s.BindAddress != nil && !s.BindAddress.IsUnspecified() {
		host = s.BindAddress.String()
	}
	network := s.BindNetwork
	if network == "" {
		network = "tcp"
	}
	l, err := net.Listen(network, net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("listen on --bind-address %s: %w", host, err)
	}
	s.Listener = l
	return nil
}

// apiServer builds the external-metrics API server over prov, and the
// gauge of its certificate's expiry in reg; serving turns true once it
// listens.
func apiServer(o *Options, prov *provider.Provider, reg prometheus.Registerer, serving *atomic.Bool) (*basecmd.AdapterBase, error) {
	if err := listenSecure(o.Server.SecureServing.SecureServingOptions); err != nil {
		return nil, err
	}
	b := &basecmd.AdapterBase{
		Name:                              "sluice-adapter",
		FlagSet:                           pflag.NewFlagSet("sluice-adapter", pflag.ContinueOnError),
		CustomMetricsAdapterServerOptions: o.Server,
	}
	b.InstallFlags() // only initialises the base; our own flag set is parsed already
	b.RemoteKubeConfigFile = o.Client.Kubeconfig
	b.ClientQPS, b.ClientBurst = o.Client.QPS, o.Client.Burst
	b.WithExternalMetrics(prov)
	srv, err := b.Server()
	if err != nil {
		return nil, fmt.Errorf("build external metrics server: %w", err)
	}
	var cert dynamiccertificates.CertKeyContentProvider
	if info := srv.GenericAPIServer.SecureServingInfo; info != nil {
		cert = info.Cert
	}
	if err := registerCertExpiry(reg, cert); err != nil {
		return nil, fmt.Errorf("register certificate metric: %w", err)
	}
	err = srv.GenericAPIServer.AddPostStartHook("sluice-serving", func(genericapiserver.PostStartHookContext) error {
		serving.Store(true)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build external metrics server: %w", err)
	}
	return b, nil
}

// readiness means "can serve": the informers synced and the metrics API
// listens. It never waits for polls: a metric not polled yet is the only
// thing that waits (provider.Options.FirstPollWait) or answers "not yet",
// so one slow or broken object cannot take the APIService, and every
// external-metric HPA of the cluster, down with it.
func readiness(synced, serving func() bool) func() error {
	return func() error {
		if !synced() {
			return errors.New("informers not synced")
		}
		if !serving() {
			return errors.New("external metrics API not serving yet")
		}
		return nil
	}
}
