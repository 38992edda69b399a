package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/client-go/tools/record"
	"k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/activator"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	sluicescheme "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/scheme"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	"github.com/sluice-dev/sluice/pkg/health"
)

// metricsTimeout bounds one external metrics read before a scale-down.
const metricsTimeout = 5 * time.Second

// Run builds the clients and the controller, serves the HTTP endpoints and
// runs the workers (while leader, when leader election is on) until ctx is
// done. It returns after every goroutine it started has stopped; after a
// lost term it campaigns again (pkg/leader).
func Run(ctx context.Context, o *Options, log *zap.Logger) error {
	cfg, err := o.Client.Config("sluice-activator")
	if err != nil {
		return err
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("create kube client: %w", err)
	}
	sluice, err := versioned.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("create sluice client: %w", err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery()))
	kinds := scale.NewDiscoveryScaleKindResolver(kube.Discovery())
	scales, err := scale.NewForConfig(cfg, mapper, dynamic.LegacyAPIPathResolverFunc, kinds)
	if err != nil {
		return fmt.Errorf("create scale client: %w", err)
	}
	metricsCfg := rest.CopyConfig(cfg)
	metricsCfg.Timeout = metricsTimeout
	em, err := external_metrics.NewForConfig(metricsCfg)
	if err != nil {
		return fmt.Errorf("create external metrics client: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(scheme), sluicescheme.AddToScheme(scheme)); err != nil {
		return fmt.Errorf("build scheme: %w", err)
	}
	broadcaster := record.NewBroadcaster(record.WithContext(ctx))
	defer broadcaster.Shutdown()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: kube.CoreV1().Events("")})

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sources, starters := newSources(o, kube, sluice)
	ctrl, err := activator.New(activator.Config{
		Kube: kube, Sluice: sluice, Scales: scales,
		Resolver: activator.NewMapperResolver(mapper, kinds),
		Metrics:  activator.NewExternalMetricsChecker(em),
		Sources:  sources,
		Recorder: broadcaster.NewRecorder(scheme, corev1.EventSource{Component: "sluice-activator"}),
		Logger:   log,
		Stats:    newStats(o, reg),
	})
	if err != nil {
		return fmt.Errorf("create controller: %w", err)
	}

	ln, err := listen(ctx, o.MetricsBindAddress, o.BoundAddressesFile)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, s := range starters {
		s.Start(ctx.Done())
		defer s.Shutdown()
	}
	serveErr := make(chan error, 1)
	ready := func() error {
		if !ctrl.HasSynced() {
			return errors.New("informer caches not synced")
		}
		return nil
	}
	wg.Go(func() { serveErr <- health.Serve(ctx, ln, reg, ready, log, health.WithProfiling(o.Profiling)) })
	runErr := runWorkers(ctx, o, kube, ctrl, log)
	cancel()
	return errors.Join(runErr, <-serveErr)
}

// starter is an informer factory.
type starter interface {
	Start(stop <-chan struct{})
	Shutdown()
}

// newSources creates one pair of informer factories per watched namespace,
// or one for all namespaces.
func newSources(o *Options, kube kubernetes.Interface, sluice versioned.Interface) ([]activator.Source, []starter) {
	namespaces := o.WatchNamespaces
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	var sources []activator.Source
	var starters []starter
	for _, ns := range namespaces {
		// Both caches keep what the activator reads (TrimScaledObject,
		// TrimHPA): of an HPA's managed fields, its own apply entry.
		kf := informers.NewSharedInformerFactoryWithOptions(kube, o.ResyncPeriod,
			informers.WithNamespace(ns), informers.WithTransform(activator.TrimHPA))
		sf := sluiceinformers.NewSharedInformerFactoryWithOptions(sluice, o.ResyncPeriod,
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
