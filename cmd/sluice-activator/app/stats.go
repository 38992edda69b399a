package app

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sluice-dev/sluice/pkg/activator"
	"github.com/sluice-dev/sluice/pkg/metricset"
)

// Metrics returns the metric families the activator exports on /metrics
// with o, without running it.
func Metrics(o *Options) ([]metricset.Family, error) {
	c := metricset.New()
	registerMetrics(o, c)
	return c.Families()
}

// registerMetrics registers everything the activator's /metrics serves on
// reg: the Go and process collectors and the controller's metrics, with
// KEDA's series when --keda-compatible-metrics is on.
func registerMetrics(o *Options, reg prometheus.Registerer) *activator.Stats {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var opts []activator.StatsOption
	if o.KEDACompatibleMetrics {
		opts = append(opts, activator.KEDACompatibleMetrics())
	}
	return activator.NewStats(reg, opts...)
}
