package activator

import (
	"fmt"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// Cache indexes, so that a reconcile or an event looks at the few objects
// that concern it instead of every object of the namespace: with 10,000
// ScaledObjects in one namespace a full list per event made convergence
// quadratic.
const (
	// indexByTarget holds ScaledObjects and HPAs by the workload they
	// scale: namespace/group/kind/name.
	indexByTarget = "sluice.dev/target"
	// indexByController holds HPAs by the UID of their controller.
	indexByController = "sluice.dev/controller"
)

// addIndexers registers the indexes on a source's informers.
func addIndexers(s Source) error {
	if err := s.ScaledObjects.Informer().AddIndexers(cache.Indexers{indexByTarget: scaledObjectTargetIndex}); err != nil {
		return fmt.Errorf("index scaledobjects: %w", err)
	}
	err := s.HPAs.Informer().AddIndexers(cache.Indexers{indexByTarget: hpaTargetIndex, indexByController: hpaControllerIndex})
	if err != nil {
		return fmt.Errorf("index hpas: %w", err)
	}
	return nil
}

// targetKey is the index key of a workload.
func targetKey(namespace, group, kind, name string) string {
	return namespace + "/" + group + "/" + kind + "/" + name
}

// refTarget returns the index key of the workload ref names in
// namespace, and false when it names none that sameTarget could match.
func refTarget(namespace string, ref *v1alpha1.ScaleTarget) (string, bool) {
	if ref == nil {
		return "", false
	}
	gvk, err := ref.GroupVersionKind()
	if err != nil {
		return "", false
	}
	return targetKey(namespace, gvk.Group, gvk.Kind, ref.Name), true
}

func scaledObjectTargetIndex(obj any) ([]string, error) {
	so, ok := obj.(*v1alpha1.ScaledObject)
	if !ok {
		return nil, nil
	}
	if k, ok := refTarget(so.Namespace, so.Spec.ScaleTargetRef); ok {
		return []string{k}, nil
	}
	return nil, nil
}

func hpaTargetIndex(obj any) ([]string, error) {
	hpa, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		return nil, nil
	}
	ref := hpa.Spec.ScaleTargetRef
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return nil, nil //nolint:nilerr // an HPA with a bad apiVersion targets nothing we resolve
	}
	return []string{targetKey(hpa.Namespace, gv.Group, ref.Kind, ref.Name)}, nil
}

func hpaControllerIndex(obj any) ([]string, error) {
	hpa, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
	if !ok {
		return nil, nil
	}
	for _, ref := range hpa.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			return []string{string(ref.UID)}, nil
		}
	}
	return nil, nil
}

// scaledObjectsTargeting returns the cached ScaledObjects of namespace
// whose scaleTargetRef names the same workload as ref.
func (l listers) scaledObjectsTargeting(namespace string, ref *v1alpha1.ScaleTarget) ([]*v1alpha1.ScaledObject, error) {
	key, ok := refTarget(namespace, ref)
	if !ok {
		return nil, nil
	}
	objs, err := l.soIndex.ByIndex(indexByTarget, key)
	if err != nil {
		return nil, fmt.Errorf("list scaledobjects by target: %w", err)
	}
	out := make([]*v1alpha1.ScaledObject, 0, len(objs))
	for _, o := range objs {
		if so, ok := o.(*v1alpha1.ScaledObject); ok {
			out = append(out, so)
		}
	}
	return out, nil
}

// hpasBy returns the cached HPAs under key in index.
func (l listers) hpasBy(index, key string) ([]*autoscalingv2.HorizontalPodAutoscaler, error) {
	objs, err := l.hpaIndex.ByIndex(index, key)
	if err != nil {
		return nil, fmt.Errorf("list hpas by %s: %w", index, err)
	}
	out := make([]*autoscalingv2.HorizontalPodAutoscaler, 0, len(objs))
	for _, o := range objs {
		if hpa, ok := o.(*autoscalingv2.HorizontalPodAutoscaler); ok {
			out = append(out, hpa)
		}
	}
	return out, nil
}
