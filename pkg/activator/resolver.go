package activator

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/scale"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// Errors a TargetResolver returns; check them with errors.Is.
var (
	// ErrUnknownKind means the API server serves no resource of the kind.
	ErrUnknownKind = errors.New("unknown kind")
	// ErrNoScaleSubresource means the resource has no /scale subresource.
	ErrNoScaleSubresource = errors.New("no scale subresource")
)

// TargetResolver maps a scaleTargetRef's apiVersion and kind to the
// resource that serves it. It must return an error wrapping ErrUnknownKind
// or ErrNoScaleSubresource when the target cannot be scaled, so that the
// caller can tell a user error from a transient one.
type TargetResolver interface {
	Resolve(ctx context.Context, apiVersion, kind string) (schema.GroupVersionKind, schema.GroupVersionResource, error)
}

// MapperResolver is the TargetResolver over a REST mapper (usually a
// deferred discovery mapper) and a scale kind resolver (usually
// scale.NewDiscoveryScaleKindResolver).
type MapperResolver struct {
	mapper meta.RESTMapperWithContext
	kinds  scale.ScaleKindResolver
}

var _ TargetResolver = (*MapperResolver)(nil)

// NewMapperResolver returns a MapperResolver; a mapper that implements
// meta.ResettableRESTMapperWithContext (as the deferred discovery mapper
// does) is reset once when a kind is not found, so CRDs installed after
// start are picked up.
func NewMapperResolver(mapper meta.RESTMapper, kinds scale.ScaleKindResolver) *MapperResolver {
	m, ok := mapper.(meta.RESTMapperWithContext)
	if !ok {
		m = meta.ToRESTMapperWithContext(mapper)
	}
	return &MapperResolver{mapper: m, kinds: kinds}
}

// Resolve implements TargetResolver. An empty apiVersion means apps/v1 and
// an empty kind Deployment, as in KEDA.
func (r *MapperResolver) Resolve(ctx context.Context, apiVersion, kind string) (schema.GroupVersionKind, schema.GroupVersionResource, error) {
	gvk, err := v1alpha1.ScaleTargetGVK(apiVersion, kind)
	if err != nil {
		return gvk, schema.GroupVersionResource{}, fmt.Errorf("parse apiVersion %q: %w: %w", apiVersion, ErrUnknownKind, err)
	}
	mapping, err := r.mapper.RESTMappingWithContext(ctx, gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		if rm, ok := r.mapper.(meta.ResettableRESTMapperWithContext); ok {
			rm.ResetWithContext(ctx)
			mapping, err = r.mapper.RESTMappingWithContext(ctx, gvk.GroupKind(), gvk.Version)
		}
	}
	if err != nil {
		if meta.IsNoMatchError(err) {
			return gvk, schema.GroupVersionResource{}, fmt.Errorf("map %s: %w", gvk, ErrUnknownKind)
		}
		return gvk, schema.GroupVersionResource{}, fmt.Errorf("map %s: %w", gvk, err)
	}
	if _, err := r.kinds.ScaleForResource(mapping.Resource); err != nil {
		return gvk, mapping.Resource, fmt.Errorf("%s: %w", mapping.Resource.GroupResource(), ErrNoScaleSubresource)
	}
	return gvk, mapping.Resource, nil
}

// sameTarget reports whether two scaleTargetRefs name the same workload:
// same group, kind and name (versions may differ).
func sameTarget(a, b *v1alpha1.ScaleTarget) bool {
	if a == nil || b == nil || a.Name != b.Name {
		return false
	}
	ga, errA := a.GroupVersionKind()
	gb, errB := b.GroupVersionKind()
	return errA == nil && errB == nil && ga.GroupKind() == gb.GroupKind()
}
