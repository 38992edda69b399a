// Package scalers is the trigger contract: the Source interface every trigger
// type implements, the Registry that maps type names to constructors, the
// typed metadata decoder and the resolution of TriggerAuthentication and
// `<param>FromEnv` parameters.
//
// SDK clients live only in the per-type packages below this one; the poll
// engine and the metrics API see nothing but Source and Trigger.
package scalers

import (
	"context"

	"go.uber.org/zap"
)

// Source polls one upstream event source once.
type Source interface {
	// Poll returns the source's current value, for example a queue length
	// or a consumer lag. It must return promptly when ctx is done. Errors
	// must not contain secrets: they reach logs and ScaledObject status.
	Poll(ctx context.Context) (float64, error)
}

// ActivitySource is a Source whose activity is judged on another value than
// the one it serves. Kafka, for one, serves the lag capped per partition
// and without persistent lag, but is active on the full lag. The poll engine
// calls PollActivity instead of Poll when a source implements it, and
// compares activity, not value, with the trigger's ActivationTarget.
type ActivitySource interface {
	Source
	// PollActivity returns the value to serve and the value activity is
	// judged on, with Poll's contract.
	PollActivity(ctx context.Context) (value, activity float64, err error)
}

// ClosingSource is a Source that holds something shared while it exists,
// such as a connection. The poll engine calls Close when it stops polling
// the source, after any poll of it returned, and for a Trigger's Source it
// does not poll because an equal one is already polled. Close must be
// safe to call more than once, must not block for long, and must leave
// the source usable: a closed source polled again (a trigger kept and
// handed to the engine anew) opens what it needs again.
type ClosingSource interface {
	Source
	// Close gives back what the source holds.
	Close()
}

// Trigger is a decoded trigger: the source to poll and how its value is
// judged. A constructor returns one per ScaledObject trigger.
type Trigger struct {
	// Key identifies the source: triggers whose keys are equal are polled
	// once and share the value. It covers the type, the resolved address,
	// query and credentials; credentials enter only hashed (see HashSecret).
	Key string
	// Source polls the upstream.
	Source Source
	// MetricName is the metric's name without the "s<index>-" prefix, for
	// example "azure-queue-jobs"; the caller normalises and prefixes it.
	MetricName string
	// Target is the HPA target: per replica for AverageValue, in total for
	// Value.
	Target float64
	// ActivationTarget is the threshold: the trigger is active while the
	// value is greater than it.
	ActivationTarget float64
	// Warning is a standing remark for the ScaledObject's status, for
	// example that the trigger points at a local emulator. Empty when none.
	Warning string
}

// Config is what a constructor is given to build a Trigger.
type Config struct {
	// Index is the trigger's position in spec.triggers.
	Index int
	// Name is the trigger's name; may be empty.
	Name string
	// Type is the trigger type, for example "metrics-api".
	Type string
	// Metadata is the trigger's metadata as written.
	Metadata map[string]string
	// AuthParams are the parameters resolved from the trigger's
	// TriggerAuthentication or ClusterTriggerAuthentication.
	AuthParams map[string]string
	// Env is the scale target container's resolved environment, read by
	// `<param>FromEnv` metadata.
	Env map[string]string
	// Logger is named for the trigger type; it must never be given secrets.
	Logger *zap.Logger
	// AsMetricSource is true when the object scales on
	// advanced.scalingModifiers: the trigger's value feeds the formula and
	// its own target is not used, so a constructor may let the target be
	// omitted (0), as KEDA does for the same triggers.
	AsMetricSource bool

	// known, set by Registry.Build, records what Decode declares.
	known *knownParams
}

// Constructor builds a Trigger from its configuration. It validates every
// parameter and returns an error naming the trigger and the parameter. It
// must not contact the source.
type Constructor func(cfg Config) (*Trigger, error)
