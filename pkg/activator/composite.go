package activator

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
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
	return autoscalingv2ac.MetricSpec().
		WithType(autoscalingv2.ExternalMetricSourceType).
		WithExternal(autoscalingv2ac.ExternalMetricSource().
			WithMetric(autoscalingv2ac.MetricIdentifier().
				WithName(composite.MetricName).
				WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{v1alpha1.LabelScaledObjectName: soName}))).
			WithTarget(target))
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
