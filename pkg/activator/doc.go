// Package activator is the sluice-activator controller: for every
// ScaledObject it owns one HorizontalPodAutoscaler that scales the target
// between max(minReplicaCount, 1) and maxReplicaCount, and it moves the
// target between 0 (or idleReplicaCount) and that floor itself, through the
// target's /scale subresource.
//
// # Why plain client-go
//
// The controller is written in the kubernetes/sample-controller pattern:
// shared informers for ScaledObjects and HPAs, a typed rate-limited
// workqueue of namespace/name keys, and a fixed pool of workers. It does not
// use controller-runtime. The activator needs two informers, one queue and
// server-side apply with generated apply configurations; client-go gives all
// of that without a second client abstraction, a second cache, or a second
// way of configuring leader election and metrics. Tests stay in the
// sample-controller style too: seed fake clientsets, run one sync, compare the
// recorded actions with the expected ones.
//
// # Who writes what
//
// The adapter decodes triggers and writes status.triggers and the Active and
// Fallback conditions. The activator reads them and writes, with
// server-side apply under the field manager "sluice-activator" and only
// when a value changes: scaleTargetKind, scaleTargetGVKR,
// originalReplicaCount (recorded once), externalMetricNames,
// resourceMetricNames, hpaName, pausedReplicaCount and the Ready and Paused
// conditions; metadata.finalizers when advanced.restoreToOriginalReplicaCount
// is set; and the whole HPA.
//
// # Scaling rules
//
// Up: as soon as Active is True and the target sits at 0 (or
// idleReplicaCount), the target goes to max(minReplicaCount, 1) — driven by
// the status update event, not a timer. Down: only when scaling to zero or
// idle is allowed, Active has been False for cooldownPeriod (or, for an
// object never active, initialCooldownPeriod since creation), the target sits
// exactly at the HPA floor, every trigger is healthy (or Fallback is True)
// and there is fresh evidence (pkg/activity): every external metric, read
// back through the metrics API now, was observed since Active turned False
// and is at or below its activation threshold. The cooldown deadline
// is scheduled with the workqueue's AddAfter. Replica changes go through
// /scale as get-then-update with the observed resourceVersion, so a
// concurrent change by the HPA controller makes the write fail instead of
// being overwritten.
//
// # Annotations
//
// paused and paused-replicas remove the HPA (pause.go). paused-scale-in and
// paused-scale-out set the HPA's scaleDown or scaleUp selectPolicy to
// Disabled on top of the user's behavior and stop the activator's own move
// in that direction; force-activation counts as Active=True for the rules
// above; hpa-excluded-labels keeps labels off the HPA (annotations.go). A
// value that does not parse is Ready=False, reason InvalidAnnotation.
package activator
