package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	"github.com/sluice-dev/sluice/pkg/httpfront"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// Run builds the clients, the route source and the front, and serves the
// proxy and the metrics listener until ctx is done. On shutdown the proxy
// stops accepting and gives held and in-flight requests shutdownTimeout to
// finish. It returns after every goroutine it started has stopped.
func Run(ctx context.Context, o *Options, log *zap.Logger) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = o.KubeAPIQPS, o.KubeAPIBurst
	cfg.UserAgent = "sluice-http"
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("create kube client: %w", err)
	}
	sluice, err := versioned.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("create sluice client: %w", err)
	}
	kf := informers.NewSharedInformerFactoryWithOptions(kube, o.ResyncPeriod, informers.WithNamespace(o.WatchNamespace))
	sf := sluiceinformers.NewSharedInformerFactoryWithOptions(sluice, o.ResyncPeriod,
		sluiceinformers.WithNamespace(o.WatchNamespace), sluiceinformers.WithTransform(kubeutil.StripManagedFields))
	objects := sf.Keda().V1alpha1().ScaledObjects().Informer()
	services := kf.Core().V1().Services().Informer()
	src, err := httpfront.NewSource(objects, services, log)
	if err != nil {
		return fmt.Errorf("create route source: %w", err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	front, err := httpfront.New(httpfront.Config{
		Routes: src, Waker: &httpfront.KubeWaker{Client: sluice},
		MaxHeld: o.MaxHeldRequests, WakeTimeout: o.WakeTimeout, TouchEvery: o.TouchInterval,
		Registerer: reg, Log: log,
	})
	if err != nil {
		return fmt.Errorf("create front: %w", err)
	}
	defer front.Close()

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

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	kf.Start(ctx.Done())
	defer kf.Shutdown()
	sf.Start(ctx.Done())
	defer sf.Shutdown()
	var synced sync.WaitGroup
	synced.Add(1)
	ready := func() bool { return objects.HasSynced() && services.HasSynced() }
	wg.Go(func() {
		defer synced.Done()
		src.Wait(ctx, objects.HasSynced, services.HasSynced)
	})
	errs := make(chan error, 2)
	wg.Go(func() {
		errs <- serve(ctx, metricsLn, handler(reg, ready, front.LoadHandler(src.Known)), "metrics", log)
	})
	wg.Go(func() { errs <- serve(ctx, proxyLn, front, "proxy", log) })
	err = <-errs
	cancel()
	synced.Wait()
	return errors.Join(err, <-errs)
}
