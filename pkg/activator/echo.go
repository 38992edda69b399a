package activator

import (
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// ownStatusEcho reports whether a ScaledObject update changed nothing but
// the status fields the activator writes itself (see ownedStatus), plus
// the resourceVersion and managedFields every write moves: the watch echo
// of the activator's own status apply. Reconciling it again would only
// read /scale to conclude what the write already said, so it is not
// queued; a change to anything else, the adapter's fields included, is.
func ownStatusEcho(oldSO, newSO *v1alpha1.ScaledObject) bool {
	if oldSO.Generation != newSO.Generation || oldSO.ResourceVersion == newSO.ResourceVersion {
		return false // a spec change, or a resync that must reach the queue
	}
	a, b := withoutOwnStatus(oldSO), withoutOwnStatus(newSO)
	return equality.Semantic.DeepEqual(a, b)
}

// withoutOwnStatus returns a shallow copy of so without the activator's
// status fields, resourceVersion and managedFields. It shares everything
// else with so, which it never modifies.
func withoutOwnStatus(so *v1alpha1.ScaledObject) v1alpha1.ScaledObject {
	c := *so
	c.ResourceVersion, c.ManagedFields = "", nil
	s := &c.Status
	s.ScaleTargetKind, s.ScaleTargetGVKR, s.OriginalReplicaCount = "", nil, nil
	s.ExternalMetricNames, s.ResourceMetricNames, s.HPAName, s.PausedReplicaCount = nil, nil, "", nil
	s.Conditions = slices.DeleteFunc(slices.Clone(s.Conditions), func(cond v1alpha1.Condition) bool {
		return cond.Type == v1alpha1.ConditionReady || cond.Type == v1alpha1.ConditionPaused
	})
	if len(s.Conditions) == 0 {
		s.Conditions = nil
	}
	return c
}
