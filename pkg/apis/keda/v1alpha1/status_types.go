package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionType names a condition of a ScaledObject.
type ConditionType string

// The conditions of a ScaledObject and who owns them. Each component writes
// only its own with server-side apply, so they never overwrite each other.
const (
	// ConditionReady is owned by the activator: True when the target
	// resolves, the HPA is in place and every trigger is healthy.
	ConditionReady ConditionType = "Ready"
	// ConditionActive is owned by the adapter: True while any trigger is
	// active.
	ConditionActive ConditionType = "Active"
	// ConditionFallback is owned by the adapter: True while at least one
	// trigger serves its fallback value.
	ConditionFallback ConditionType = "Fallback"
	// ConditionPaused is owned by the activator: True while a pause
	// annotation stands.
	ConditionPaused ConditionType = "Paused"
)

// HealthStatusType is the health of one trigger's metric.
type HealthStatusType string

// The health states KEDA reports per metric.
const (
	HealthStatusHappy   HealthStatusType = "Happy"
	HealthStatusFailing HealthStatusType = "Failing"
)

// ScaledObjectStatus is written by the adapter (activity and trigger state)
// and the activator (target, HPA, readiness); see the field docs for which.
type ScaledObjectStatus struct {
	// ScaleTargetKind is the target's group, version and kind, for example
	// "apps/v1.Deployment". Written by the activator.
	// +optional
	ScaleTargetKind string `json:"scaleTargetKind,omitempty"`
	// ScaleTargetGVKR is the resolved target. Written by the activator.
	// +optional
	ScaleTargetGVKR *GroupVersionKindResource `json:"scaleTargetGVKR,omitempty"`
	// OriginalReplicaCount is the target's replica count before the
	// ScaledObject first scaled it; recorded once. Written by the activator.
	// +optional
	OriginalReplicaCount *int32 `json:"originalReplicaCount,omitempty"`
	// LastActiveTime is when a trigger was last seen active. Written by the
	// adapter.
	// +optional
	LastActiveTime *metav1.Time `json:"lastActiveTime,omitempty"`
	// ExternalMetricNames are the names of the external metrics the HPA
	// reads, one per trigger. Written by the activator.
	// +optional
	ExternalMetricNames []string `json:"externalMetricNames,omitempty"`
	// ResourceMetricNames are the cpu and memory metrics of the HPA. Written
	// by the activator.
	// +optional
	ResourceMetricNames []string `json:"resourceMetricNames,omitempty"`
	// HPAName is the name of the HPA the activator owns for this object.
	// +optional
	HPAName string `json:"hpaName,omitempty"`
	// PausedReplicaCount is the replica count held by the paused-replicas
	// annotation. Written by the activator.
	// +optional
	PausedReplicaCount *int32 `json:"pausedReplicaCount,omitempty"`
	// Health is the health of each trigger's metric, keyed by metric name.
	// Written by the adapter.
	// +optional
	Health map[string]HealthStatus `json:"health,omitempty"`
	// TriggersTypes lists the trigger types, comma-separated, for the
	// Triggers printer column. Written by the adapter.
	// +optional
	TriggersTypes string `json:"triggersTypes,omitempty"`
	// AuthenticationsTypes lists the names of the authenticationRefs the
	// triggers use, distinct and comma-separated in spec order, as KEDA
	// fills it, for the Authentications printer column. Written by the
	// adapter.
	// +optional
	AuthenticationsTypes string `json:"authenticationsTypes,omitempty"`
	// TriggersActivity is whether each polled trigger is active, keyed by
	// its external metric name as KEDA keys it. Written by the adapter.
	// +optional
	TriggersActivity map[string]TriggerActivityStatus `json:"triggersActivity,omitempty"`
	// CompositeScalerName is the name of the one external metric the HPA
	// reads when spec.advanced.scalingModifiers is set ("composite-metric"),
	// empty otherwise. Written by the activator.
	// +optional
	CompositeScalerName string `json:"compositeScalerName,omitempty"`
	// Triggers is the state of each trigger as the adapter last saw it.
	// Written by the adapter.
	// +listType=map
	// +listMapKey=metricName
	// +optional
	Triggers []TriggerStatus `json:"triggers,omitempty"`
	// Conditions are Ready, Active, Fallback and Paused.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []Condition `json:"conditions,omitempty"`
}

// GroupVersionKindResource identifies a resolved scale target.
type GroupVersionKindResource struct {
	Group    string `json:"group"`
	Version  string `json:"version"`
	Kind     string `json:"kind"`
	Resource string `json:"resource"`
}

// HealthStatus is the health of one metric.
type HealthStatus struct {
	// NumberOfFailures is the count of consecutive failed polls.
	// +optional
	NumberOfFailures *int32 `json:"numberOfFailures,omitempty"`
	// Status is Happy or Failing.
	// +optional
	Status HealthStatusType `json:"status,omitempty"`
}

// TriggerActivityStatus is whether one trigger is active, KEDA's shape.
type TriggerActivityStatus struct {
	// IsActive is true while the trigger's last fresh value is above its
	// activation threshold.
	IsActive bool `json:"isActive"`
}

// TriggerStatus is the state of one trigger: its metric, whether it is
// active and healthy, and the last error. Messages never hold secrets.
type TriggerStatus struct {
	// MetricName is the external metric name the trigger is served as.
	MetricName string `json:"metricName"`
	// Index is the trigger's position in spec.triggers.
	Index int32 `json:"index"`
	// Name is the trigger's name, when it has one.
	// +optional
	Name string `json:"name,omitempty"`
	// Type is the trigger's type.
	Type string `json:"type"`
	// Target is the HPA target value of the trigger's metric, as a
	// quantity; the activator copies it into the HPA.
	// +optional
	Target string `json:"target,omitempty"`
	// ActivationTarget is the trigger's activation threshold, as a
	// quantity: it is active while its value is above it. The activator
	// scales to zero only when every value it reads back through the
	// metrics API is at or below this.
	// +optional
	ActivationTarget string `json:"activationTarget,omitempty"`
	// Active is true when the trigger's last value is above its activation
	// threshold.
	Active bool `json:"active"`
	// Healthy is false while the last poll failed.
	Healthy bool `json:"healthy"`
	// NumberOfFailures is the count of consecutive failed polls.
	// +optional
	NumberOfFailures int32 `json:"numberOfFailures,omitempty"`
	// LastError is the last poll error, without secrets.
	// +optional
	LastError string `json:"lastError,omitempty"`
	// Warning is a standing remark about the trigger's configuration, for
	// example that it points at a local storage emulator.
	// +optional
	Warning string `json:"warning,omitempty"`
}

// Condition is one aspect of a ScaledObject's state. It matches KEDA's
// condition shape (type, status, reason, message) and adds the transition
// time.
type Condition struct {
	// Type is Ready, Active, Fallback or Paused.
	Type ConditionType `json:"type"`
	// Status is True, False or Unknown.
	Status metav1.ConditionStatus `json:"status"`
	// Reason is a CamelCase word for why the condition has its status.
	// +optional
	Reason string `json:"reason,omitempty"`
	// Message says in words what the status means and what to do about it.
	// +optional
	Message string `json:"message,omitempty"`
	// LastTransitionTime is when the status last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// Condition returns the condition of the given type, or nil.
func (s *ScaledObjectStatus) Condition(t ConditionType) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}
