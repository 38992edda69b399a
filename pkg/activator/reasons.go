package activator

// FieldManager is the server-side apply field manager of every write the
// activator makes.
const FieldManager = "sluice-activator"

// FinalizerRestoreReplicas is the finalizer the activator puts on a
// ScaledObject with advanced.restoreToOriginalReplicaCount, so that it can
// set the target back to status.originalReplicaCount before the object goes.
const FinalizerRestoreReplicas = "sluice.dev/restore-replicas"

// LabelManagedBy and ManagedByValue mark every HPA the activator creates.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedByValue = "sluice"
)

// Reasons used on the Ready and Paused conditions and on Events. They are
// part of the user-facing contract: scripts and alerts match on them.
const (
	// ReasonReady: the target resolves, the HPA is in place, triggers are healthy.
	ReasonReady = "ScaledObjectReady"
	// ReasonTargetNotFound: the scaleTargetRef's kind or object does not exist.
	ReasonTargetNotFound = "TargetNotFound"
	// ReasonTargetHasNoScale: the target's resource has no /scale subresource.
	ReasonTargetHasNoScale = "TargetHasNoScale"
	// ReasonWaitingForAdapter: the adapter has not reported every trigger yet.
	ReasonWaitingForAdapter = "WaitingForAdapter"
	// ReasonInvalidTrigger: a trigger cannot become an HPA metric.
	ReasonInvalidTrigger = "InvalidTrigger"
	// ReasonInvalidScalingModifiers: advanced.scalingModifiers do not
	// compile; the message names the field.
	ReasonInvalidScalingModifiers = "InvalidScalingModifiers"
	// ReasonInvalidHPAName: the HPA's name would be refused by the API server.
	ReasonInvalidHPAName = "InvalidHPAName"
	// ReasonHPAConflict: an HPA not owned by the object scales its target.
	ReasonHPAConflict = "HPAConflict"
	// ReasonDuplicateTarget: an earlier ScaledObject scales the same target.
	ReasonDuplicateTarget = "DuplicateTarget"
	// ReasonTriggerFailing: a trigger is unhealthy and no fallback applies.
	ReasonTriggerFailing = "TriggerFailing"
	// ReasonInvalidAnnotation: a pause annotation does not parse.
	ReasonInvalidAnnotation = "InvalidAnnotation"
	// ReasonPaused: a pause annotation stands (Paused=True).
	ReasonPaused = "ScalingPaused"
	// ReasonNotPaused: no pause annotation (Paused=False).
	ReasonNotPaused = "ScalingNotPaused"
	// ReasonActivated: Event when the target went from idle to the floor.
	ReasonActivated = "ScaleTargetActivated"
	// ReasonDeactivated: Event when the target went from the floor to idle.
	ReasonDeactivated = "ScaleTargetDeactivated"
	// ReasonPausedReplicas: Event when paused-replicas set the target.
	ReasonPausedReplicas = "ScaleTargetPausedReplicas"
	// ReasonRestoredReplicas: Event when deletion restored the original count.
	ReasonRestoredReplicas = "ScaleTargetRestored"
)
