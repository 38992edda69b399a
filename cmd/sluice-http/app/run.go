package app

import (
	"context"
	"fmt"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/httpfront"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
	"github.com/sluice-dev/sluice/pkg/program"
)

// Run builds the clients, the route source and the front, and serves the
// proxy and the metrics listener until ctx is done or either stops. On
// shutdown the proxy stops accepting and gives held and in-flight requests
// shutdownTimeout to finish. It returns after every goroutine it started
// has stopped.
func Run(ctx context.Context, o *Options, log *zap.Logger) error {
	clients, err := o.Client.Clients("sluice-http")
	if err != nil {
		return err
	}
	sluice := clients.Sluice
	watched, starters, synced := newInformers(o, clients.Kube, sluice)
	src, err := httpfront.NewSource(watched, log)
	if err != nil {
		return fmt.Errorf("create route source: %w", err)
	}
	reg := prometheus.NewRegistry()
	front, err := newFront(o, src, sluice, reg, log)
	if err != nil {
		return err
	}
	defer front.Close()
	src.OnChange(front.Retain)
	src.OnEndpoints(front.EndpointsChanged)

	lc := &net.ListenConfig{}
	metricsLn, err := lc.Listen(ctx, "tcp", o.MetricsBindAddress)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.MetricsBindAddress, err)
	}
	proxyLn, err := lc.Listen(ctx, "tcp", o.ProxyBindAddress)
	if err != nil {
		_ = metricsLn.Close()
		return fmt.Errorf("listen on %s: %w", o.ProxyBindAddress, err)
	}
	err = boundaddrs.Write(o.BoundAddressesFile, map[string]net.Addr{boundaddrs.Metrics: metricsLn.Addr(), boundaddrs.Proxy: proxyLn.Addr()})
	if err != nil {
		_, _ = metricsLn.Close(), proxyLn.Close()
		return err
	}

	metrics := health.Profiling(handler(reg, src.Ready, front.LoadHandler(src.Known)), o.Profiling)
	return program.RunAll(ctx, starters,
		func(ctx context.Context) error { src.Run(ctx, synced...); return nil },
		func(ctx context.Context) error {
			return health.ServeHandler(ctx, metricsLn, metrics, "metrics", shutdownTimeout, log)
		},
		func(ctx context.Context) error {
			return health.ServeHandler(ctx, proxyLn, front, "proxy", shutdownTimeout, log)
		},
	)
}

// newInformers creates the ScaledObject, Service and EndpointSlice
// informers of every watched namespace, or of all.
func newInformers(o *Options, kube kubernetes.Interface, sluice versioned.Interface) ([]httpfront.Informers, []kubeclient.Factory, []cache.InformerSynced) {
	namespaces := o.Watch.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	var watched []httpfront.Informers
	var starters []kubeclient.Factory
	var synced []cache.InformerSynced
	for _, ns := range namespaces {
		kf := informers.NewSharedInformerFactoryWithOptions(kube, o.Watch.ResyncPeriod, informers.WithNamespace(ns))
		sf := sluiceinformers.NewSharedInformerFactoryWithOptions(sluice, o.Watch.ResyncPeriod,
			sluiceinformers.WithNamespace(ns), sluiceinformers.WithTransform(kubeutil.StripManagedFields))
		w := httpfront.Informers{
			Namespace: ns, Objects: sf.Keda().V1alpha1().ScaledObjects().Informer(),
			Services: kf.Core().V1().Services().Informer(), EndpointSlices: kf.Discovery().V1().EndpointSlices().Informer(),
		}
		watched = append(watched, w)
		starters = append(starters, kf, sf)
		synced = append(synced, w.Objects.HasSynced, w.Services.HasSynced, w.EndpointSlices.HasSynced)
	}
	return watched, starters, synced
}

// replayBound maps --max-replay-body-bytes (0: keep none) to
// Config.MaxReplayBody (negative: keep none).
func replayBound(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}
