package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/activator"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	"github.com/sluice-dev/sluice/pkg/health"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
	"github.com/sluice-dev/sluice/pkg/program"
)

// metricsTimeout bounds one external metrics read before a scale-down.
const metricsTimeout = 5 * time.Second

// Run builds the clients and the controller, serves the HTTP endpoints and
// runs the workers (while leader, when leader election is on) until ctx is
// done or either stops. It returns after every goroutine it started has
// stopped; after a lost term it campaigns again (pkg/leader).
func Run(ctx context.Context, o *Options, log *zap.Logger) error {
	clients, err := o.Client.Clients("sluice-activator")
	if err != nil {
		return err
	}
	cfg, kube, sluice := clients.Config, clients.Kube, clients.Sluice
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery()))
	kinds := scale.NewDiscoveryScaleKindResolver(kube.Discovery())
	scales, err := scale.NewForConfig(kubeclient.BuiltinTypes(cfg), mapper, dynamic.LegacyAPIPathResolverFunc, kinds)
	if err != nil {
		return fmt.Errorf("create scale client: %w", err)
	}
	metricsCfg := rest.CopyConfig(cfg)
	metricsCfg.Timeout = metricsTimeout
	em, err := external_metrics.NewForConfig(metricsCfg)
	if err != nil {
		return fmt.Errorf("create external metrics client: %w", err)
	}
	recorder, stopEvents, err := kubeclient.NewRecorder(ctx, kube, "sluice-activator")
	if err != nil {
		return err
	}
	defer stopEvents()

	reg := prometheus.NewRegistry()
	stats := registerMetrics(o, reg)
	sources, starters := newSources(o, kube, sluice)
	ctrl, err := activator.New(activator.Config{
		Kube: kube, Sluice: sluice, Scales: scales,
		Resolver: activator.NewMapperResolver(mapper, kinds),
		Metrics:  activator.NewExternalMetricsChecker(em),
		Sources:  sources,
		Recorder: recorder,
		Logger:   log,
		Stats:    stats,
	})
	if err != nil {
		return fmt.Errorf("create controller: %w", err)
	}

	ln, err := listen(ctx, o.MetricsBindAddress, o.BoundAddressesFile)
	if err != nil {
		return err
	}
	ready := func() error {
		if !ctrl.HasSynced() {
			return errors.New("informer caches not synced")
		}
		return nil
	}
	return program.RunAll(ctx, starters,
		func(ctx context.Context) error {
			return health.Serve(ctx, ln, reg, ready, log, health.WithProfiling(o.Profiling))
		},
		func(ctx context.Context) error { return runWorkers(ctx, o, kube, ctrl, log) },
	)
}

// newSources creates one pair of informer factories per watched namespace,
// or one for all namespaces.
func newSources(o *Options, kube kubernetes.Interface, sluice versioned.Interface) ([]activator.Source, []kubeclient.Factory) {
	namespaces := o.Watch.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	var sources []activator.Source
	var starters []kubeclient.Factory
	for _, ns := range namespaces {
		// Both caches keep what the activator reads (TrimScaledObject,
		// TrimHPA): of an HPA's managed fields, its own apply entry.
		kf := informers.NewSharedInformerFactoryWithOptions(kube, o.Watch.ResyncPeriod,
			informers.WithNamespace(ns), informers.WithTransform(activator.TrimHPA))
		sf := sluiceinformers.NewSharedInformerFactoryWithOptions(sluice, o.Watch.ResyncPeriod,
			sluiceinformers.WithNamespace(ns), sluiceinformers.WithTransform(activator.TrimScaledObject))
		sources = append(sources, activator.Source{
			Namespace:     ns,
			ScaledObjects: sf.Keda().V1alpha1().ScaledObjects(),
			HPAs:          kf.Autoscaling().V2().HorizontalPodAutoscalers(),
		})
		starters = append(starters, kf, sf)
	}
	return sources, starters
}
