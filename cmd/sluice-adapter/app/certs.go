package app

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/sluice-dev/sluice/pkg/certs"
)

// fieldManager owns what the adapter writes with server-side apply.
const fieldManager = "sluice-adapter"

// registerCertExpiry registers the gauge of the expiry of the certificate
// this replica serves now (what the apiserver library last loaded from
// --tls-cert-file), read at each scrape.
func registerCertExpiry(reg prometheus.Registerer, cert dynamiccertificates.CertKeyContentProvider) error {
	return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sluice_adapter_serving_certificate_expiry_timestamp_seconds",
		Help: "When the certificate this replica serves the external metrics API with expires, in seconds since the epoch.",
	}, func() float64 {
		if cert == nil {
			return 0
		}
		pemCert, _ := cert.CurrentCertKeyContent()
		leaf, err := certs.LeafOf(pemCert)
		if err != nil {
			return 0
		}
		return float64(leaf.NotAfter.Unix())
	}))
}

// renewer returns the certificate renewer the elected replica runs, nil
// with --serving-cert-secret="".
func (o *Options) renewer(kube kubernetes.Interface, dyn dynamic.Interface, recorder record.EventRecorder, log *zap.Logger) *certRenewer {
	if o.ServingCertSecret == "" {
		return nil
	}
	p := certs.DefaultPolicy(certs.SluiceCAPrefix+o.Namespace, nil)
	p.RenewBefore = o.ServingCertRenewBefore
	return &certRenewer{
		Kube: kube, Dyn: dyn,
		Namespace: o.Namespace, Secret: o.ServingCertSecret, APIService: o.ServingCertAPIService,
		Policy: p, Interval: o.ServingCertCheckInterval, FieldManager: fieldManager,
		Recorder: recorder, Clock: clock.RealClock{}, Log: log.Named("certificates"),
	}
}

// leaderJobs runs every job of the elected replica until ctx is done.
func leaderJobs(ctx context.Context, jobs ...func(context.Context)) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		if job != nil {
			wg.Go(func() { job(ctx) })
		}
	}
	wg.Wait()
}
