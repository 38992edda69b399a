package v1alpha1

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// value returns *p, or def when p is nil.
func value(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

// PollingIntervalSeconds returns spec.pollingInterval or its default.
func (s *ScaledObjectSpec) PollingIntervalSeconds() int32 {
	return value(s.PollingInterval, DefaultPollingInterval)
}

// CooldownPeriodSeconds returns spec.cooldownPeriod or its default.
func (s *ScaledObjectSpec) CooldownPeriodSeconds() int32 {
	return value(s.CooldownPeriod, DefaultCooldownPeriod)
}

// InitialCooldownPeriodSeconds returns spec.initialCooldownPeriod or 0.
func (s *ScaledObjectSpec) InitialCooldownPeriodSeconds() int32 {
	return value(s.InitialCooldownPeriod, 0)
}

// MinReplicas returns spec.minReplicaCount or its default.
func (s *ScaledObjectSpec) MinReplicas() int32 {
	return value(s.MinReplicaCount, DefaultMinReplicaCount)
}

// MaxReplicas returns spec.maxReplicaCount or its default.
func (s *ScaledObjectSpec) MaxReplicas() int32 {
	return value(s.MaxReplicaCount, DefaultMaxReplicaCount)
}

// HPAName returns the name of the HPA owned by the ScaledObject:
// advanced.horizontalPodAutoscalerConfig.name, or keda-hpa-<name>.
func (so *ScaledObject) HPAName() string {
	if a := so.Spec.Advanced; a != nil && a.HorizontalPodAutoscalerConfig != nil && a.HorizontalPodAutoscalerConfig.Name != "" {
		return a.HorizontalPodAutoscalerConfig.Name
	}
	return "keda-hpa-" + so.Name
}

// The scale target of a scaleTargetRef without apiVersion or kind, as in
// KEDA.
const (
	DefaultScaleTargetAPIVersion = "apps/v1"
	DefaultScaleTargetKind       = "Deployment"
)

// ScaleTargetGVK returns the group, version and kind that a
// scaleTargetRef's apiVersion and kind name, empty ones read as KEDA's
// defaults (apps/v1, Deployment). The error is apiVersion's parse error;
// the kind is returned with it.
func ScaleTargetGVK(apiVersion, kind string) (schema.GroupVersionKind, error) {
	if apiVersion == "" {
		apiVersion = DefaultScaleTargetAPIVersion
	}
	if kind == "" {
		kind = DefaultScaleTargetKind
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return schema.GroupVersionKind{Kind: kind}, err
	}
	return gv.WithKind(kind), nil
}

// GroupVersionKind is ScaleTargetGVK of t's apiVersion and kind.
func (t *ScaleTarget) GroupVersionKind() (schema.GroupVersionKind, error) {
	return ScaleTargetGVK(t.APIVersion, t.Kind)
}

// FallbackReadsReplicas reports whether the object's fallback, when it
// applies, starts from the scale target's current replica count: a
// fallback.behavior other than static and scalingModifiers, or a metric
// with a Value target (a trigger's metricType, or scalingModifiers'), whose
// fallback value is divided by that count.
func (s *ScaledObjectSpec) FallbackReadsReplicas() bool {
	fb := s.Fallback
	if fb == nil {
		return false
	}
	if fb.Behavior.ReadsCurrentReplicas() {
		return true
	}
	for _, t := range s.Triggers {
		if t.MetricType == autoscalingv2.ValueMetricType {
			return true
		}
	}
	a := s.Advanced
	return a != nil && a.ScalingModifiers.Formula != "" && a.ScalingModifiers.MetricType == autoscalingv2.ValueMetricType
}

// ReadsCurrentReplicas reports whether the behaviour starts from the
// target's current replica count: every behaviour but static (or empty)
// and scalingModifiers, which hold fallback.replicas.
func (b FallbackBehavior) ReadsCurrentReplicas() bool {
	switch b {
	case "", FallbackStatic, FallbackScalingModifiers:
		return false
	default:
		return true
	}
}
