package activator

import (
	"fmt"
	"strconv"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// metricSet is the HPA's metrics and the names the status lists.
type metricSet struct {
	specs    []*autoscalingv2ac.MetricSpecApplyConfiguration
	external []string
	resource []string
	// broken are the triggers left out of the HPA, in spec order: invalid,
	// or not reported by the adapter yet.
	broken []*userError
	// composite is set when spec.advanced.scalingModifiers replaces the
	// triggers' external metrics with composite.MetricName; external still
	// lists the triggers' metrics, as KEDA's status does.
	composite *composite.Formula
}

// isResourceTrigger reports whether the activator decodes the trigger
// itself (the adapter skips these).
func isResourceTrigger(t string) bool { return t == "cpu" || t == "memory" }

// desiredMetrics builds one HPA metric per trigger: an External metric from
// the adapter's status.triggers entry, or a (Container)Resource metric for
// cpu and memory. With scalingModifiers the External metrics are replaced
// by the one composite metric (compositeMetric); scalingModifiers that do
// not compile are an InvalidScalingModifiers error. A trigger that cannot be built is left out and listed in
// broken; it never blocks the others. Only when no trigger can be built is
// the first problem returned as the error.
func desiredMetrics(so *v1alpha1.ScaledObject) (metricSet, error) {
	var ms metricSet
	f, err := composite.Compile(&so.Spec)
	if err != nil {
		return metricSet{}, &userError{ReasonInvalidScalingModifiers, err.Error()}
	}
	ms.composite = f
	byIndex := make(map[int32]*v1alpha1.TriggerStatus, len(so.Status.Triggers))
	for i := range so.Status.Triggers {
		byIndex[so.Status.Triggers[i].Index] = &so.Status.Triggers[i]
	}
	for i, t := range so.Spec.Triggers {
		if isResourceTrigger(t.Type) {
			spec, err := resourceMetric(i, &t)
			if err != nil {
				ms.broken = append(ms.broken, err)
				continue
			}
			ms.specs = append(ms.specs, spec)
			ms.resource = append(ms.resource, t.Type)
			continue
		}
		ts := byIndex[int32(i)]
		if ts != nil && ts.Target == "" && ts.LastError != "" {
			ms.broken = append(ms.broken, &userError{ReasonInvalidTrigger, fmt.Sprintf("trigger %d (%s): %s", i, t.Type, ts.LastError)})
			continue
		}
		if ts == nil || ts.MetricName == "" || ts.Target == "" {
			ms.broken = append(ms.broken, &userError{ReasonWaitingForAdapter, fmt.Sprintf(
				"the adapter has not reported trigger %d (%s) yet; check that sluice-adapter is running and the Events of this ScaledObject", i, t.Type)})
			continue
		}
		spec, err := externalMetric(so.Name, i, &t, ts)
		if err != nil {
			ms.broken = append(ms.broken, err)
			continue
		}
		if f == nil {
			ms.specs = append(ms.specs, spec)
		}
		ms.external = append(ms.external, ts.MetricName)
	}
	if f != nil {
		ms.specs = append(ms.specs, compositeMetric(so.Name, f))
	}
	if len(ms.specs) == 0 && len(ms.broken) > 0 {
		return metricSet{}, ms.broken[0]
	}
	if _, canIdle := idleReplicas(&so.Spec); canIdle && len(ms.external) == 0 {
		if len(ms.broken) > 0 {
			return metricSet{}, ms.broken[0]
		}
		return metricSet{}, &userError{ReasonInvalidTrigger,
			"cpu and memory triggers alone cannot scale to zero; set minReplicaCount to at least 1, or add an event trigger"}
	}
	return ms, nil
}

// brokenMessage says what is wrong with the first broken trigger, and how
// many more there are.
func (ms metricSet) brokenMessage() string {
	msg := ms.broken[0].message
	if n := len(ms.broken) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more triggers left out of the HPA)", n)
	}
	return msg
}

// externalMetric is the External metric of trigger i.
func externalMetric(soName string, i int, t *v1alpha1.ScaleTriggers, ts *v1alpha1.TriggerStatus) (*autoscalingv2ac.MetricSpecApplyConfiguration, *userError) {
	q, err := resource.ParseQuantity(ts.Target)
	if err != nil {
		return nil, &userError{ReasonInvalidTrigger, fmt.Sprintf("trigger %d: target %q reported by the adapter is not a quantity", i, ts.Target)}
	}
	target := autoscalingv2ac.MetricTarget()
	switch t.MetricType {
	case "", autoscalingv2.AverageValueMetricType:
		target.WithType(autoscalingv2.AverageValueMetricType).WithAverageValue(q)
	case autoscalingv2.ValueMetricType:
		target.WithType(autoscalingv2.ValueMetricType).WithValue(q)
	default:
		return nil, &userError{ReasonInvalidTrigger, fmt.Sprintf("trigger %d: metricType %s is only valid for cpu and memory; use AverageValue or Value", i, t.MetricType)}
	}
	return externalMetricSpec(soName, ts.MetricName, target), nil
}

// externalMetricSpec is the HPA's External metric name of the object
// soName (the adapter serves it selected by the object's name) with
// target.
func externalMetricSpec(soName, name string, target *autoscalingv2ac.MetricTargetApplyConfiguration) *autoscalingv2ac.MetricSpecApplyConfiguration {
	return autoscalingv2ac.MetricSpec().
		WithType(autoscalingv2.ExternalMetricSourceType).
		WithExternal(autoscalingv2ac.ExternalMetricSource().
			WithMetric(autoscalingv2ac.MetricIdentifier().
				WithName(name).
				WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{v1alpha1.LabelScaledObjectName: soName}))).
			WithTarget(target))
}

// resourceMetric decodes a cpu or memory trigger: metadata value, optional
// containerName, metricType Utilization (default) or AverageValue (the
// deprecated metadata type is honoured when metricType is empty).
func resourceMetric(i int, t *v1alpha1.ScaleTriggers) (*autoscalingv2ac.MetricSpecApplyConfiguration, *userError) {
	invalid := func(format string, args ...any) *userError {
		return &userError{ReasonInvalidTrigger, fmt.Sprintf("trigger %d (%s): ", i, t.Type) + fmt.Sprintf(format, args...)}
	}
	mt := t.MetricType
	if mt == "" {
		mt = autoscalingv2.MetricTargetType(t.Metadata["type"])
	}
	if mt == "" {
		mt = autoscalingv2.UtilizationMetricType
	}
	v, ok := t.Metadata["value"]
	if !ok || v == "" {
		return nil, invalid("metadata value is required")
	}
	target := autoscalingv2ac.MetricTarget().WithType(mt)
	switch mt {
	case autoscalingv2.UtilizationMetricType:
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n <= 0 {
			return nil, invalid("value %q must be a positive integer percentage for Utilization", v)
		}
		target.WithAverageUtilization(int32(n))
	case autoscalingv2.AverageValueMetricType:
		q, err := resource.ParseQuantity(v)
		if err != nil {
			return nil, invalid("value %q is not a quantity", v)
		}
		target.WithAverageValue(q)
	default:
		return nil, invalid("metricType must be Utilization or AverageValue, got %s", mt)
	}
	name := corev1.ResourceName(t.Type)
	if c := t.Metadata["containerName"]; c != "" {
		return autoscalingv2ac.MetricSpec().
			WithType(autoscalingv2.ContainerResourceMetricSourceType).
			WithContainerResource(autoscalingv2ac.ContainerResourceMetricSource().
				WithName(name).WithContainer(c).WithTarget(target)), nil
	}
	return autoscalingv2ac.MetricSpec().
		WithType(autoscalingv2.ResourceMetricSourceType).
		WithResource(autoscalingv2ac.ResourceMetricSource().WithName(name).WithTarget(target)), nil
}

// failingTriggers names the first unhealthy trigger in status.triggers, or
// returns "".
func failingTriggers(so *v1alpha1.ScaledObject) string {
	for _, ts := range so.Status.Triggers {
		if !ts.Healthy {
			return triggerLabel(&ts)
		}
	}
	return ""
}

// triggerLabel is how events and messages name a trigger.
func triggerLabel(ts *v1alpha1.TriggerStatus) string {
	if ts.Name != "" {
		return fmt.Sprintf("%s (%s)", ts.Name, ts.Type)
	}
	return fmt.Sprintf("%s (%s)", ts.MetricName, ts.Type)
}
