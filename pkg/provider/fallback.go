package provider

import (
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// ReplicaReader tells the provider how many replicas a ScaledObject's scale
// target has, for the fallback behaviours that depend on it.
type ReplicaReader interface {
	// CurrentReplicas returns the replica count of the scale target of the
	// ScaledObject at key as its HPA last observed it
	// (status.currentReplicas), and false when that is unknown. It must be
	// a cache read: it is called on the request path.
	CurrentReplicas(key poll.Key) (int32, bool)
}

// FallbackReplicas returns the replica count fb holds for a target at
// current replicas (known false when the count could not be read), by
// fb.Behavior as KEDA defines it:
//
//   - static (or empty): fb.Replicas;
//   - currentReplicas: current;
//   - currentReplicasIfHigher: the larger of current and fb.Replicas;
//   - currentReplicasIfLower: the smaller of current and fb.Replicas;
//   - scalingModifiers: fb.Replicas (a scalingModifiers formula that
//     yields nil falls back to it).
//
// A target at 0 replicas, or one whose count is unknown, gets fb.Replicas
// whatever the behaviour: a workload scaled to zero whose source fails is
// taken to the fallback count instead of being left at 0 with its events
// unseen (KEDA leaves it at 0, kedacore/keda#7411).
func FallbackReplicas(fb *v1alpha1.Fallback, current int32, known bool) int32 {
	if !known || current < 1 {
		return fb.Replicas
	}
	switch fb.Behavior {
	case v1alpha1.FallbackCurrentReplicas:
		return current
	case v1alpha1.FallbackCurrentReplicasIfHigher:
		return max(current, fb.Replicas)
	case v1alpha1.FallbackCurrentReplicasIfLower:
		return min(current, fb.Replicas)
	default:
		return fb.Replicas
	}
}

// FallbackValue returns the metric value that makes the HPA land on
// replicas for a trigger with the given target, and false when there is
// none to serve.
//
// For an AverageValue target the HPA asks for ceil(value / target)
// replicas, so the value is replicas × target. For a Value target it asks
// for ceil(value / target × readyPods); KEDA divides by the ready pods it
// lists. The provider divides by the HPA's own current replica count
// instead: once the target is at replicas the ratio is 1 and the HPA holds
// it, whichever of its pods are ready. A Value target whose current count
// is unknown or 0 gets no fallback value (the HPA then holds the target
// where it is): right after the activator took the target from 0 to the
// fallback count, the HPA's status still says 0 while its pods are not
// ready yet, and any value would make the HPA scale down.
func FallbackValue(replicas int32, target float64, valueTarget bool, current int32, known bool) (float64, bool) {
	v := float64(replicas) * target
	if !valueTarget {
		return v, true
	}
	if !known || current < 1 {
		return 0, false
	}
	return v / float64(current), true
}

// fallbackValue is the value served for ts of st while its fallback is due.
func (p *Provider) fallbackValue(st *poll.ObjectState, ts *poll.TriggerState) (float64, bool) {
	return p.fallbackFor(st, ts.Target, ts.ValueTarget)
}

// fallbackFor is the fallback value of st for a metric with the given
// target: FallbackReplicas by st's fallback.behavior, turned into a value
// by FallbackValue. The current replica count is read only when the
// behaviour or a Value target needs it: exactly the objects
// v1alpha1.ScaledObjectSpec.FallbackReadsReplicas names, whose HPAs are
// the only ones sluice-adapter watches for the count.
func (p *Provider) fallbackFor(st *poll.ObjectState, target float64, valueTarget bool) (float64, bool) {
	var current int32
	var known bool
	if p.opts.Replicas != nil && (st.Fallback.Behavior.ReadsCurrentReplicas() || valueTarget) {
		current, known = p.opts.Replicas.CurrentReplicas(st.Key)
	}
	replicas := FallbackReplicas(st.Fallback, current, known)
	return FallbackValue(replicas, target, valueTarget, current, known)
}
