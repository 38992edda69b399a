package adapter

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/kubeutil"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// objRef names a Secret, ConfigMap or scale target a trigger read.
type objRef struct{ kind, namespace, name string }

const (
	kindSecret    = "Secret"
	kindConfigMap = "ConfigMap"
)

// targetGVRs are the scale-target kinds whose pod template (the source of
// <param>FromEnv) is watched, by metadata: a new generation re-resolves the
// ScaledObjects that read it. Targets of other kinds are read again at
// each resync.
var targetGVRs = map[string]schema.GroupVersionResource{
	"Deployment":  {Group: "apps", Version: "v1", Resource: "deployments"},
	"StatefulSet": {Group: "apps", Version: "v1", Resource: "statefulsets"},
}

// objectWatches watches the metadata, never the data, of the Secrets and
// ConfigMaps of the watched namespaces and the adapter's own: a change
// re-resolves the triggers that read the object, and a read is served from
// a copy kept per resourceVersion, so nothing is fetched again until the
// object changes. Only objects a trigger references are ever read in full,
// and the metadata cached is trimmed to what is read (trimMetadata).
type objectWatches struct {
	informerSet
	kube    kubernetes.Interface
	listers map[string]map[string]cache.GenericLister // kind → namespace ("" = all) → lister

	mu     sync.Mutex
	copies map[objRef]any // *corev1.Secret or *corev1.ConfigMap at the cached resourceVersion
}

var (
	secretsGVR    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
)

// newObjectWatches sets up the metadata informers of namespaces (all when
// empty) plus own, and calls onChange with every Secret or ConfigMap that
// changes or goes away.
func newObjectWatches(kube kubernetes.Interface, meta metadata.Interface, namespaces []string, own string, resync time.Duration, onChange func(objRef)) (*objectWatches, error) {
	o := &objectWatches{kube: kube, copies: map[objRef]any{},
		listers: map[string]map[string]cache.GenericLister{kindSecret: {}, kindConfigMap: {}}}
	if len(namespaces) == 0 {
		namespaces = []string{""}
	} else if !contains(namespaces, own) {
		namespaces = append(namespaces, own)
	}
	for _, ns := range namespaces {
		f := metadatainformer.NewFilteredSharedInformerFactory(meta, resync, ns, nil)
		for kind, gvr := range map[string]schema.GroupVersionResource{kindSecret: secretsGVR, kindConfigMap: configMapsGVR} {
			inf := f.ForResource(gvr)
			if err := inf.Informer().SetTransform(trimMetadata); err != nil {
				return nil, fmt.Errorf("trim %s metadata: %w", kind, err)
			}
			if _, err := inf.Informer().AddEventHandler(o.handler(kind, onChange)); err != nil {
				return nil, err
			}
			o.listers[kind][ns] = inf.Lister()
			o.synced = append(o.synced, inf.Informer().HasSynced)
		}
		for kind, gvr := range targetGVRs {
			inf := f.ForResource(gvr).Informer()
			if err := inf.SetTransform(trimMetadata); err != nil {
				return nil, fmt.Errorf("trim %s metadata: %w", kind, err)
			}
			if _, err := inf.AddEventHandler(targetHandler(kind, onChange)); err != nil {
				return nil, err
			}
			o.synced = append(o.synced, inf.HasSynced)
		}
		o.factories = append(o.factories, f)
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// handler forgets the copy of a changed object and reports it. Resyncs
// (same resourceVersion) are not changes. Adds matter too: a trigger
// waiting for a missing Secret.
func (o *objectWatches) handler(kind string, onChange func(objRef)) cache.ResourceEventHandlerFuncs {
	return metadataHandler(func(old, cur *metav1.PartialObjectMetadata) bool {
		return old.ResourceVersion != cur.ResourceVersion
	}, func(m *metav1.PartialObjectMetadata) {
		ref := objRef{kind, m.Namespace, m.Name}
		o.mu.Lock()
		delete(o.copies, ref)
		o.mu.Unlock()
		onChange(ref)
	})
}

// targetHandler reports a scale target whose spec changed (a new
// generation: the pod template may hold another environment), or that
// appeared or went away. Status updates (replicas) are not changes.
func targetHandler(kind string, onChange func(objRef)) cache.ResourceEventHandlerFuncs {
	return metadataHandler(func(old, cur *metav1.PartialObjectMetadata) bool {
		return old.Generation != cur.Generation
	}, func(m *metav1.PartialObjectMetadata) {
		onChange(objRef{kind, m.Namespace, m.Name})
	})
}

// metadataHandler calls notify with every object of the metadata
// informers that is added or deleted, and with the new one of every
// update for which changed is true.
func metadataHandler(changed func(old, cur *metav1.PartialObjectMetadata) bool, notify func(*metav1.PartialObjectMetadata)) cache.ResourceEventHandlerFuncs {
	call := func(obj any) {
		if m, ok := kubeutil.EventObject[*metav1.PartialObjectMetadata](obj); ok {
			notify(m)
		}
	}
	return cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(oldObj, newObj any) {
			old, ok1 := oldObj.(*metav1.PartialObjectMetadata)
			cur, ok2 := newObj.(*metav1.PartialObjectMetadata)
			if ok1 && ok2 && !changed(old, cur) {
				return
			}
			call(newObj)
		},
		AddFunc:    call,
		DeleteFunc: call,
	}
}

// resourceVersion returns the watched resourceVersion of ref; ok is false
// when its namespace is not watched. A NotFound error means it does not
// exist.
func (o *objectWatches) resourceVersion(ref objRef) (rv string, ok bool, err error) {
	l, found := o.listers[ref.kind][ref.namespace]
	if !found {
		if l, found = o.listers[ref.kind][""]; !found {
			return "", false, nil
		}
	}
	obj, err := l.ByNamespace(ref.namespace).Get(ref.name)
	if err != nil {
		return "", true, err
	}
	m, isMeta := obj.(*metav1.PartialObjectMetadata)
	if !isMeta {
		return "", true, fmt.Errorf("unexpected %T in the %s cache", obj, ref.kind)
	}
	return m.ResourceVersion, true, nil
}

// Secret implements scalers.ObjectReader.
func (o *objectWatches) Secret(ctx context.Context, ns, name string) (*corev1.Secret, error) {
	return read(o, objRef{kindSecret, ns, name}, func() (*corev1.Secret, error) {
		return o.kube.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	})
}

// ConfigMap implements scalers.ObjectReader.
func (o *objectWatches) ConfigMap(ctx context.Context, ns, name string) (*corev1.ConfigMap, error) {
	return read(o, objRef{kindConfigMap, ns, name}, func() (*corev1.ConfigMap, error) {
		return o.kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	})
}

var _ scalers.ObjectReader = (*objectWatches)(nil)

// read returns the kept copy of ref when the watch says it is current,
// answers NotFound from the watch, and fetches otherwise.
func read[T metav1.Object](o *objectWatches, ref objRef, get func() (T, error)) (T, error) {
	var none T
	// A copy is shared between reads and must not be modified; the
	// resolvers only read it.
	rv, watched, err := o.resourceVersion(ref)
	if watched && apierrors.IsNotFound(err) {
		return none, err
	}
	if watched && err == nil {
		o.mu.Lock()
		c, ok := o.copies[ref].(T)
		o.mu.Unlock()
		if ok && c.GetResourceVersion() == rv {
			return c, nil
		}
	}
	obj, err := get()
	if err != nil {
		return none, err
	}
	if watched && obj.GetResourceVersion() == rv {
		o.mu.Lock()
		o.copies[ref] = obj
		o.mu.Unlock()
	}
	return obj, nil
}

// recordingReader reads through inner and records every object read, so
// that a change of it re-resolves the object that read it.
type recordingReader struct {
	inner scalers.ObjectReader
	mu    sync.Mutex
	seen  map[objRef]bool
}

func (r *recordingReader) record(ref objRef) {
	r.mu.Lock()
	if r.seen == nil {
		r.seen = map[objRef]bool{}
	}
	r.seen[ref] = true
	r.mu.Unlock()
}

// Secret implements scalers.ObjectReader.
func (r *recordingReader) Secret(ctx context.Context, ns, name string) (*corev1.Secret, error) {
	r.record(objRef{kindSecret, ns, name})
	return r.inner.Secret(ctx, ns, name)
}

// ConfigMap implements scalers.ObjectReader.
func (r *recordingReader) ConfigMap(ctx context.Context, ns, name string) (*corev1.ConfigMap, error) {
	r.record(objRef{kindConfigMap, ns, name})
	return r.inner.ConfigMap(ctx, ns, name)
}

// refs returns what was read.
func (r *recordingReader) refs() []objRef {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]objRef, 0, len(r.seen))
	for ref := range r.seen {
		out = append(out, ref)
	}
	return out
}
