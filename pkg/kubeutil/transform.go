// Package kubeutil holds small helpers for client-go that several programs
// share.
package kubeutil

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
)

// StripManagedFields is an informer transform that drops
// metadata.managedFields and kubectl's last-applied-configuration
// annotation before an object enters the cache. Use it for objects whose
// managed fields the program never reads: with two field managers writing
// a ScaledObject's status they are a large part of every cached object,
// and an object created with `kubectl apply` carries a second copy of
// itself in that annotation, which no Sluice program reads. Every other
// annotation stays. Objects it cannot read metadata from (tombstones) pass
// unchanged.
func StripManagedFields(obj any) (any, error) {
	a, err := meta.Accessor(obj)
	if err != nil {
		return obj, nil //nolint:nilerr // a tombstone passes unchanged
	}
	a.SetManagedFields(nil)
	if ann := a.GetAnnotations(); ann != nil {
		if _, ok := ann[corev1.LastAppliedConfigAnnotation]; ok {
			delete(ann, corev1.LastAppliedConfigAnnotation)
			if len(ann) == 0 {
				a.SetAnnotations(nil)
			}
		}
	}
	return obj, nil
}

// TransformOf is the body of an informer transform for objects of type T:
// it returns trim(obj) when obj is a T and passes anything else
// (tombstones) unchanged. trim may modify obj in place, as transforms may:
// the object comes straight from the decoder.
func TransformOf[T any](obj any, trim func(T) T) (any, error) {
	t, ok := obj.(T)
	if !ok {
		return obj, nil
	}
	return trim(t), nil
}
