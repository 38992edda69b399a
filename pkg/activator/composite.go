package activator

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// compositeMetric is the one External metric of an object with
// scalingModifiers, as KEDA builds it: composite.MetricName selected by the
// object's name, with the modifiers' target as AverageValue or Value.
func compositeMetric(soName string, f *composite.Formula) *autoscalingv2ac.MetricSpecApplyConfiguration {
	q := activity.Quantity(f.Target)
	target := autoscalingv2ac.MetricTarget().WithType(f.MetricType)
	if f.MetricType == autoscalingv2.ValueMetricType {
		target.WithValue(q)
	} else {
		target.WithAverageValue(q)
	}
	return externalMetricSpec(soName, composite.MetricName, target)
}

// idleMetrics are the metrics read back for evidence of idleness: the
// composite alone when there is one, else every trigger's.
func (ms metricSet) idleMetrics() []string {
	if ms.composite != nil {
		return []string{composite.MetricName}
	}
	return ms.external
}

// compositeName is status.compositeScalerName: the composite metric's name
// when the HPA reads one.
func (ms metricSet) compositeName() string {
	if ms.composite != nil {
		return composite.MetricName
	}
	return ""
}
