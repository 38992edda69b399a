// Package kubeutil holds small helpers for client-go that several programs
// share.
package kubeutil

import "k8s.io/apimachinery/pkg/api/meta"

// StripManagedFields is an informer transform that drops
// metadata.managedFields before an object enters the cache. Use it for
// objects whose managed fields the program never reads: with two field
// managers writing a ScaledObject's status they are a large part of every
// cached object. Objects it cannot read metadata from (tombstones) pass
// unchanged.
func StripManagedFields(obj any) (any, error) {
	if a, err := meta.Accessor(obj); err == nil {
		a.SetManagedFields(nil)
	}
	return obj, nil
}
