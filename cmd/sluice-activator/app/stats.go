package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/pkg/activator"
)

// newStats builds the controller's metrics on reg, with KEDA's series when
// --keda-compatible-metrics is on.
func newStats(o *Options, reg prometheus.Registerer) *activator.Stats {
	var opts []activator.StatsOption
	if o.KEDACompatibleMetrics {
		opts = append(opts, activator.KEDACompatibleMetrics())
	}
	return activator.NewStats(reg, opts...)
}
