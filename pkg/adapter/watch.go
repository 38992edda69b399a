package adapter

import (
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	listers "github.com/sluice-dev/sluice/pkg/client/listers/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// watches holds the informers of the objects the adapter reads: the
// ScaledObjects and TriggerAuthentications of the watched namespaces (one
// factory per namespace, or one for all), and the cluster-scoped
// ClusterTriggerAuthentications.
type watches struct {
	informerSet
	scaled  map[string]listers.ScaledObjectLister // "" when every namespace is watched
	auths   map[string]listers.TriggerAuthenticationLister
	cluster listers.ClusterTriggerAuthenticationLister
}

// newWatches sets up the informers and calls onObject with the key of every
// ScaledObject that is added, changed, deleted, or whose authentication
// changed.
func newWatches(client versioned.Interface, namespaces []string, resync time.Duration, onObject func(key string), onAuth func(namespace, kind, name string)) (*watches, error) {
	w := &watches{scaled: map[string]listers.ScaledObjectLister{}, auths: map[string]listers.TriggerAuthenticationLister{}}
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	soHandler := cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { enqueueKey(obj, onObject) },
		UpdateFunc: func(oldObj, newObj any) {
			if needsResolve(oldObj, newObj) {
				enqueueKey(newObj, onObject)
			}
		},
		DeleteFunc: func(obj any) { enqueueKey(obj, onObject) },
	}
	authHandler := func(kind string) cache.ResourceEventHandlerFuncs {
		notify := func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			switch a := obj.(type) {
			case *v1alpha1.TriggerAuthentication:
				onAuth(a.Namespace, kind, a.Name)
			case *v1alpha1.ClusterTriggerAuthentication:
				onAuth("", kind, a.Name)
			}
		}
		return cache.ResourceEventHandlerFuncs{AddFunc: notify, UpdateFunc: func(_, obj any) { notify(obj) }, DeleteFunc: notify}
	}
	for _, ns := range namespaces {
		f := externalversions.NewSharedInformerFactoryWithOptions(client, resync,
			externalversions.WithNamespace(ns), externalversions.WithTransform(trimScaledObject))
		so := f.Keda().V1alpha1().ScaledObjects()
		if _, err := so.Informer().AddEventHandler(soHandler); err != nil {
			return nil, err
		}
		ta := f.Keda().V1alpha1().TriggerAuthentications()
		if _, err := ta.Informer().AddEventHandler(authHandler("TriggerAuthentication")); err != nil {
			return nil, err
		}
		w.scaled[ns], w.auths[ns] = so.Lister(), ta.Lister()
		w.synced = append(w.synced, so.Informer().HasSynced, ta.Informer().HasSynced)
		w.factories = append(w.factories, f)
	}
	cf := externalversions.NewSharedInformerFactoryWithOptions(client, resync, externalversions.WithTransform(kubeutil.StripManagedFields))
	cta := cf.Keda().V1alpha1().ClusterTriggerAuthentications()
	if _, err := cta.Informer().AddEventHandler(authHandler("ClusterTriggerAuthentication")); err != nil {
		return nil, err
	}
	w.cluster = cta.Lister()
	w.synced = append(w.synced, cta.Informer().HasSynced)
	w.factories = append(w.factories, cf)
	return w, nil
}

// scaledObject returns the ScaledObject namespace/name from the cache.
func (w *watches) scaledObject(namespace, name string) (*v1alpha1.ScaledObject, error) {
	return kubeutil.ForNamespace(w.scaled, namespace).ScaledObjects(namespace).Get(name)
}

// scaledObjectsIn lists the cached ScaledObjects of namespace, or of every
// watched namespace when namespace is "".
func (w *watches) scaledObjectsIn(namespace string) ([]*v1alpha1.ScaledObject, error) {
	var out []*v1alpha1.ScaledObject
	for ns, l := range w.scaled {
		if namespace != "" && ns != "" && ns != namespace {
			continue
		}
		var items []*v1alpha1.ScaledObject
		var err error
		if namespace == "" {
			items, err = l.List(labels.Everything())
		} else {
			items, err = l.ScaledObjects(namespace).List(labels.Everything())
		}
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// triggerAuthentication returns the TriggerAuthentication namespace/name.
func (w *watches) triggerAuthentication(namespace, name string) (*v1alpha1.TriggerAuthentication, error) {
	return kubeutil.ForNamespace(w.auths, namespace).TriggerAuthentications(namespace).Get(name)
}

// enqueueKey calls add with the namespace/name key of obj.
func enqueueKey(obj any, add func(string)) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err == nil {
		add(key)
	}
}

// needsResolve reports whether an update of a ScaledObject calls for
// resolving its triggers again: its spec changed, it is being deleted, or
// the update is a periodic resync (same resourceVersion), which re-reads
// the Secrets its triggers use. Status writes, the adapter's own and the
// activator's, change none of these and are skipped: they would otherwise
// re-read every referenced Secret after each write.
func needsResolve(oldObj, newObj any) bool {
	o, ok := oldObj.(*v1alpha1.ScaledObject)
	n, ok2 := newObj.(*v1alpha1.ScaledObject)
	if !ok || !ok2 {
		return true
	}
	return o.ResourceVersion == n.ResourceVersion ||
		o.Generation != n.Generation ||
		!o.DeletionTimestamp.Equal(n.DeletionTimestamp)
}
