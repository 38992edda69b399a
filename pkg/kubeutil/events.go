package kubeutil

import "k8s.io/client-go/tools/cache"

// EventObject returns the object an informer event handler was given as a
// T: obj itself or, for a delete the informer missed, the last state its
// tombstone (cache.DeletedFinalStateUnknown) holds. ok is false when that
// is not a T.
func EventObject[T any](obj any) (t T, ok bool) {
	if d, isTomb := obj.(cache.DeletedFinalStateUnknown); isTomb {
		obj = d.Obj
	}
	t, ok = obj.(T)
	return t, ok
}
