package v1alpha1

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Annotations on a ScaledObject that users set to change how it scales.
const (
	// AnnotationPaused set to "true" stops all scaling of the target and
	// removes the HPA; the target keeps its current replica count.
	AnnotationPaused = "autoscaling.keda.sh/paused"
	// AnnotationPausedReplicas set to a non-negative integer N scales the
	// target to N and holds it there while the annotation stands.
	AnnotationPausedReplicas = "autoscaling.keda.sh/paused-replicas"
	// AnnotationTransferHPAOwnership set to "true" lets a ScaledObject adopt
	// an existing HPA that targets the same workload.
	AnnotationTransferHPAOwnership = "scaledobject.keda.sh/transfer-hpa-ownership"
	// AnnotationPausedScaleIn set to "true" stops every scale-in: the HPA's
	// scaleDown policy is Disabled and the target never goes to idle; the
	// HPA still scales out.
	AnnotationPausedScaleIn = "autoscaling.keda.sh/paused-scale-in"
	// AnnotationPausedScaleOut set to "true" stops every scale-out: the
	// HPA's scaleUp policy is Disabled and the target never leaves idle; the
	// HPA still scales in.
	AnnotationPausedScaleOut = "autoscaling.keda.sh/paused-scale-out"
	// AnnotationForceActivation set to "true" treats the object as active
	// whatever its triggers say: the target leaves idle and never returns
	// there while the annotation stands.
	AnnotationForceActivation = "autoscaling.keda.sh/force-activation"
	// AnnotationHPAExcludedLabels is a comma-separated list of label keys
	// of the ScaledObject that are not copied onto its HPA.
	AnnotationHPAExcludedLabels = "scaledobject.keda.sh/hpa-excluded-labels"
	// AnnotationHTTPWake is written by sluice-http, not by users: the RFC
	// 3339 time of a request for the app. The activator treats the object
	// as active for cooldownPeriod after it, and scales it up at once from
	// zero.
	AnnotationHTTPWake = "sluice.dev/http-wake"
	// AnnotationHTTPService routes sluice-http's requests to the app's
	// Service, as "<service>:<port>"; its presence opts the object in.
	AnnotationHTTPService = "sluice.dev/http-service"
	// AnnotationHTTPHosts lists the request hosts sluice-http routes to the
	// app, comma separated; absent or empty means any host.
	AnnotationHTTPHosts = "sluice.dev/http-hosts"
	// AnnotationHTTPPathPrefix is the path prefix sluice-http routes to the
	// app; "/" when absent.
	AnnotationHTTPPathPrefix = "sluice.dev/http-path-prefix"
	// LabelScaledObjectName is the label key external metric selectors use
	// to name the ScaledObject a metric belongs to.
	LabelScaledObjectName = "scaledobject.keda.sh/name"
	// LabelFallbackReadsReplicas, "true" on the HPA of a ScaledObject whose
	// fallback starts from the target's current replica count
	// (ScaledObjectSpec.FallbackReadsReplicas), selects the HPAs
	// sluice-adapter watches for that count.
	LabelFallbackReadsReplicas = "sluice.dev/fallback-reads-replicas"
)

// Defaults applied to a ScaledObject spec when a field is omitted. The CRD
// schema applies the same values, so a stored object always carries them;
// the getters apply them too for objects that never went through a server.
const (
	DefaultPollingInterval int32 = 30
	DefaultCooldownPeriod  int32 = 300
	DefaultMinReplicaCount int32 = 0
	DefaultMaxReplicaCount int32 = 100
)

// ScaledObject scales a workload with a /scale subresource from zero (or
// idleReplicaCount) to one when any trigger is active, and lets an HPA scale
// it from one to maxReplicaCount on the triggers' metrics.
//
// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=so,categories=sluice
// +kubebuilder:printcolumn:name="ScaleTargetKind",type=string,JSONPath=`.status.scaleTargetKind`
// +kubebuilder:printcolumn:name="ScaleTargetName",type=string,JSONPath=`.spec.scaleTargetRef.name`
// +kubebuilder:printcolumn:name="Min",type=integer,JSONPath=`.spec.minReplicaCount`
// +kubebuilder:printcolumn:name="Max",type=integer,JSONPath=`.spec.maxReplicaCount`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Active",type=string,JSONPath=`.status.conditions[?(@.type=="Active")].status`
// +kubebuilder:printcolumn:name="Fallback",type=string,JSONPath=`.status.conditions[?(@.type=="Fallback")].status`
// +kubebuilder:printcolumn:name="Paused",type=string,JSONPath=`.status.conditions[?(@.type=="Paused")].status`
// +kubebuilder:printcolumn:name="Triggers",type=string,JSONPath=`.status.triggersTypes`
// +kubebuilder:printcolumn:name="Authentications",type=string,JSONPath=`.status.authenticationsTypes`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ScaledObjectSpec   `json:"spec"`
	Status ScaledObjectStatus `json:"status,omitempty"`
}

// ScaledObjectList is a list of ScaledObjects.
//
// +kubebuilder:object:root=true
type ScaledObjectList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ScaledObject `json:"items"`
}

// ScaledObjectSpec says what to scale, between which bounds, and on which
// triggers.
//
// +kubebuilder:validation:XValidation:rule="!has(self.minReplicaCount) || !has(self.maxReplicaCount) || self.minReplicaCount <= self.maxReplicaCount",message="minReplicaCount must not be greater than maxReplicaCount"
// +kubebuilder:validation:XValidation:rule="!has(self.idleReplicaCount) || self.idleReplicaCount == 0 || self.idleReplicaCount < (has(self.minReplicaCount) ? self.minReplicaCount : 0)",message="idleReplicaCount must be less than minReplicaCount"
// +kubebuilder:validation:XValidation:rule="self.triggers.all(t, !has(t.name) || size(t.name) == 0 || self.triggers.exists_one(u, has(u.name) && u.name == t.name))",message="trigger names must be unique within a ScaledObject"
// +kubebuilder:validation:XValidation:rule="!has(self.fallback) || self.triggers.exists(t, t.type != 'cpu' && t.type != 'memory') || (has(self.advanced) && has(self.advanced.scalingModifiers) && ((has(self.advanced.scalingModifiers.formula) && size(self.advanced.scalingModifiers.formula) > 0) || (has(self.advanced.scalingModifiers.target) && size(self.advanced.scalingModifiers.target) > 0) || (has(self.advanced.scalingModifiers.activationTarget) && size(self.advanced.scalingModifiers.activationTarget) > 0) || (has(self.advanced.scalingModifiers.metricType) && size(self.advanced.scalingModifiers.metricType) > 0)))",message="fallback needs at least one trigger that is not cpu or memory, or advanced.scalingModifiers"
// +kubebuilder:validation:XValidation:rule="!has(self.fallback) || !has(self.fallback.behavior) || self.fallback.behavior != 'scalingModifiers' || (has(self.advanced) && has(self.advanced.scalingModifiers) && has(self.advanced.scalingModifiers.formula) && size(self.advanced.scalingModifiers.formula) > 0)",message="fallback.behavior scalingModifiers needs advanced.scalingModifiers.formula"
type ScaledObjectSpec struct {
	// ScaleTargetRef names the workload to scale; it must have a /scale
	// subresource.
	ScaleTargetRef *ScaleTarget `json:"scaleTargetRef"`

	// PollingInterval is how often, in seconds, each trigger is polled.
	// +kubebuilder:default=30
	// +kubebuilder:validation:XValidation:rule="self >= 1",message="pollingInterval must be at least 1 second"
	// +optional
	PollingInterval *int32 `json:"pollingInterval,omitempty"`

	// InitialCooldownPeriod is how long, in seconds after creation, an object
	// that was never active waits before its target may be scaled to zero.
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="initialCooldownPeriod must not be negative"
	// +optional
	InitialCooldownPeriod *int32 `json:"initialCooldownPeriod,omitempty"`

	// CooldownPeriod is how long, in seconds, every trigger must have been
	// inactive before the target is scaled to zero (or idleReplicaCount).
	// +kubebuilder:default=300
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="cooldownPeriod must not be negative"
	// +optional
	CooldownPeriod *int32 `json:"cooldownPeriod,omitempty"`

	// IdleReplicaCount, when set, is the replica count while no trigger is
	// active, instead of minReplicaCount. It must be less than
	// minReplicaCount.
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="idleReplicaCount must not be negative"
	// +optional
	IdleReplicaCount *int32 `json:"idleReplicaCount,omitempty"`

	// MinReplicaCount is the lowest replica count; 0 allows scaling to zero.
	// +kubebuilder:default=0
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="minReplicaCount must not be negative"
	// +optional
	MinReplicaCount *int32 `json:"minReplicaCount,omitempty"`

	// MaxReplicaCount is the highest replica count the HPA may set.
	// +kubebuilder:default=100
	// +kubebuilder:validation:XValidation:rule="self >= 1",message="maxReplicaCount must be at least 1"
	// +optional
	MaxReplicaCount *int32 `json:"maxReplicaCount,omitempty"`

	// Advanced holds rarely needed settings.
	// +optional
	Advanced *AdvancedConfig `json:"advanced,omitempty"`

	// Triggers are the event sources whose metrics drive scaling. The target
	// is active while any trigger is active.
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="at least one trigger is required"
	Triggers []ScaleTriggers `json:"triggers"`

	// Fallback sets a replica count to hold while a trigger's source keeps
	// failing.
	// +optional
	Fallback *Fallback `json:"fallback,omitempty"`
}

// ScaleTarget refers to the workload a ScaledObject scales.
type ScaleTarget struct {
	// Name of the workload in the ScaledObject's namespace.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="scaleTargetRef.name must not be empty"
	Name string `json:"name"`
	// APIVersion of the workload; apps/v1 when omitted.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// Kind of the workload; Deployment when omitted.
	// +optional
	Kind string `json:"kind,omitempty"`
	// EnvSourceContainerName names the container whose environment
	// `<param>FromEnv` trigger parameters are read from; the first container
	// when omitted.
	// +optional
	EnvSourceContainerName string `json:"envSourceContainerName,omitempty"`
}

// AdvancedConfig holds settings most ScaledObjects never need.
type AdvancedConfig struct {
	// HorizontalPodAutoscalerConfig shapes the HPA created for the object.
	// +optional
	HorizontalPodAutoscalerConfig *HorizontalPodAutoscalerConfig `json:"horizontalPodAutoscalerConfig,omitempty"`
	// RestoreToOriginalReplicaCount sets the target back to the replica
	// count it had before the ScaledObject took it over, when the
	// ScaledObject is deleted.
	// +optional
	RestoreToOriginalReplicaCount bool `json:"restoreToOriginalReplicaCount,omitempty"`
	// ScalingModifiers combines the triggers' metrics into one with a
	// formula.
	// +optional
	ScalingModifiers ScalingModifiers `json:"scalingModifiers,omitempty"`
}

// HorizontalPodAutoscalerConfig shapes the HPA created for a ScaledObject.
type HorizontalPodAutoscalerConfig struct {
	// Name of the HPA; keda-hpa-<ScaledObject name> when omitted.
	// +optional
	Name string `json:"name,omitempty"`
	// Behavior is copied to the HPA's spec.behavior.
	// +optional
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
}

// ScalingModifiers combines trigger metrics into one composite metric.
//
// +kubebuilder:validation:XValidation:rule="!has(self.formula) || size(self.formula) == 0 || (has(self.target) && size(self.target) > 0)",message="scalingModifiers.target is required when scalingModifiers.formula is set"
type ScalingModifiers struct {
	// Formula over the triggers' names, for example "(a + b) / 2": an
	// expr-lang expression of numbers, trigger names, arithmetic,
	// comparison, logic, the conditional operator and the functions abs,
	// ceil, floor, round, int, float, min, max, sum, mean and median.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Formula string `json:"formula,omitempty"`
	// Target value of the composite metric; required with a formula, a
	// positive number.
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Target string `json:"target,omitempty"`
	// ActivationTarget is the value the composite metric must exceed for
	// the object to be active.
	// +optional
	ActivationTarget string `json:"activationTarget,omitempty"`
	// MetricType of the composite metric: AverageValue or Value.
	// +kubebuilder:validation:XValidation:rule="self in ['AverageValue', 'Value']",message="scalingModifiers.metricType must be AverageValue or Value"
	// +optional
	MetricType autoscalingv2.MetricTargetType `json:"metricType,omitempty"`
}

// ScaleTriggers is one event source of a ScaledObject.
type ScaleTriggers struct {
	// Type of the trigger, for example azure-queue, kafka or prometheus.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="trigger type must not be empty"
	Type string `json:"type"`
	// Name of the trigger, unique within the ScaledObject; used in status
	// and scaling formulas. KEDA sets no limit; 253 bounds the cost of the
	// uniqueness rule.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Name string `json:"name,omitempty"`
	// UseCachedMetrics is accepted for compatibility; Sluice always serves
	// metrics from the last poll.
	// +optional
	UseCachedMetrics bool `json:"useCachedMetrics,omitempty"`
	// Metadata holds the trigger type's parameters.
	// +optional
	Metadata map[string]string `json:"metadata"`
	// AuthenticationRef names a TriggerAuthentication (the default kind) or
	// ClusterTriggerAuthentication that supplies parameters.
	// +optional
	AuthenticationRef *AuthenticationRef `json:"authenticationRef,omitempty"`
	// MetricType is the HPA target type: AverageValue (the default), Value,
	// or Utilization for cpu and memory triggers.
	// +kubebuilder:validation:XValidation:rule="self in ['', 'AverageValue', 'Value', 'Utilization']",message="metricType must be one of AverageValue, Value or Utilization"
	// +optional
	MetricType autoscalingv2.MetricTargetType `json:"metricType,omitempty"`
}

// AuthenticationRef names the object a trigger's credentials come from.
type AuthenticationRef struct {
	// Name of the TriggerAuthentication or ClusterTriggerAuthentication.
	// +kubebuilder:validation:XValidation:rule="size(self) > 0",message="authenticationRef.name must not be empty"
	Name string `json:"name"`
	// Kind is TriggerAuthentication (the default) or
	// ClusterTriggerAuthentication.
	// +kubebuilder:validation:XValidation:rule="self in ['TriggerAuthentication', 'ClusterTriggerAuthentication']",message="authenticationRef.kind must be TriggerAuthentication or ClusterTriggerAuthentication"
	// +optional
	Kind string `json:"kind,omitempty"`
}

// FallbackBehavior says how the fallback replica count combines with the
// target's current replica count.
type FallbackBehavior string

// The fallback behaviours KEDA defines.
const (
	FallbackStatic                  FallbackBehavior = "static"
	FallbackCurrentReplicas         FallbackBehavior = "currentReplicas"
	FallbackCurrentReplicasIfHigher FallbackBehavior = "currentReplicasIfHigher"
	FallbackCurrentReplicasIfLower  FallbackBehavior = "currentReplicasIfLower"
	FallbackScalingModifiers        FallbackBehavior = "scalingModifiers"
)

// Fallback is the replica count held while a trigger's source fails.
type Fallback struct {
	// FailureThreshold is the number of consecutive failed polls after which
	// the fallback applies.
	// A threshold of 0 falls back on the first failure, as 1 does.
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="fallback.failureThreshold must not be negative"
	FailureThreshold int32 `json:"failureThreshold"`
	// Replicas is the replica count to hold.
	// +kubebuilder:validation:XValidation:rule="self >= 0",message="fallback.replicas must not be negative"
	Replicas int32 `json:"replicas"`
	// Behavior is static (the default), currentReplicas,
	// currentReplicasIfHigher, currentReplicasIfLower or scalingModifiers
	// (the failing trigger's value is left out of the scalingModifiers
	// formula instead of being replaced).
	// +kubebuilder:validation:XValidation:rule="self in ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower', 'scalingModifiers']",message="fallback.behavior must be one of static, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower or scalingModifiers"
	// +optional
	Behavior FallbackBehavior `json:"behavior,omitempty"`
}
