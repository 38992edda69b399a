package httpfront

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedalisters "github.com/sluice-dev/sluice/pkg/client/listers/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// Source keeps the route table in step with the ScaledObjects carrying
// AnnotationService and their Services. It implements Router.
type Source struct {
	objects     []kedalisters.ScaledObjectLister
	services    map[string]corelisters.ServiceLister            // by watched namespace; "" is all
	slices      map[string]discoverylisters.EndpointSliceLister // by watched namespace; "" is all
	log         *zap.Logger
	table       atomic.Pointer[Table]
	keys        atomic.Pointer[map[string]bool]
	dirty       chan struct{} // a change is waiting for Run to rebuild
	ready       atomic.Bool
	onChange    func(keys map[string]bool)
	onEndpoints func(ns, service string)

	mu       sync.Mutex
	problems map[string]string // last reported problem per object, to log each once
}

var _ Router = (*Source)(nil)

// Informers are the ScaledObject, Service and EndpointSlice informers of
// one watched namespace ("" for all). EndpointSlices may be nil: then
// every backend is probed by dialing.
type Informers struct {
	Namespace      string
	Objects        cache.SharedIndexInformer
	Services       cache.SharedIndexInformer
	EndpointSlices cache.SharedIndexInformer
}

// NewSource returns a Source over the informers' listers and registers
// for their changes; start the informers, then Run.
func NewSource(watched []Informers, log *zap.Logger) (*Source, error) {
	s := &Source{
		dirty:    make(chan struct{}, 1),
		services: map[string]corelisters.ServiceLister{},
		slices:   map[string]discoverylisters.EndpointSliceLister{},
		log:      log.Named("routes"),
		problems: map[string]string{},
	}
	s.table.Store(NewTable(nil))
	s.keys.Store(&map[string]bool{})
	h := cache.ResourceEventHandlerFuncs{
		AddFunc: func(any) { s.kick() },
		UpdateFunc: func(old, cur any) {
			if routingChanged(old, cur) {
				s.kick()
			}
		},
		DeleteFunc: func(any) { s.kick() },
	}
	for _, w := range watched {
		s.objects = append(s.objects, kedalisters.NewScaledObjectLister(w.Objects.GetIndexer()))
		s.services[w.Namespace] = corelisters.NewServiceLister(w.Services.GetIndexer())
		for _, inf := range []cache.SharedIndexInformer{w.Objects, w.Services} {
			if _, err := inf.AddEventHandler(h); err != nil {
				return nil, fmt.Errorf("add event handler: %w", err)
			}
		}
		if w.EndpointSlices != nil {
			if err := s.watchSlices(w.Namespace, w.EndpointSlices); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// OnChange sets fn to receive the keys ("<namespace>/<name>") of the
// routed apps on every rebuild, before the new table is published (wire
// it to Front.Retain, so that a removed app's state is dropped). Call it
// before Run; fn must not call back into s.
func (s *Source) OnChange(fn func(keys map[string]bool)) { s.onChange = fn }

// Match implements Router.
func (s *Source) Match(host, path string) *Route { return s.table.Load().Match(host, path) }

// Known reports whether the ScaledObject ns/name is routed.
func (s *Source) Known(ns, name string) bool { return (*s.keys.Load())[ns+"/"+name] }

// Rebuild recomputes the table from the listers. An object whose
// annotations are malformed or whose Service is missing is left out and
// logged once per distinct problem.
func (s *Source) Rebuild() {
	var objs []*v1alpha1.ScaledObject
	for _, l := range s.objects {
		o, err := l.List(labels.Everything())
		if err != nil {
			return
		}
		objs = append(objs, o...)
	}
	var routes []*Route
	keys := map[string]bool{}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, so := range objs {
		key := so.Namespace + "/" + so.Name
		r, err := ParseRoute(so.Namespace, so.Name, so.Annotations)
		if err == nil && r != nil {
			err = s.resolve(r)
		}
		if err != nil {
			seen[key] = true
			if s.problems[key] != err.Error() {
				s.problems[key] = err.Error()
				s.log.Warn("scaledObject not routed", zap.String("namespace", so.Namespace), zap.String("scaledObject", so.Name), zap.Error(err))
			}
			continue
		}
		if r != nil {
			routes = append(routes, r)
			keys[key] = true
		}
	}
	for k := range s.problems {
		if !seen[k] {
			delete(s.problems, k)
		}
	}
	if s.onChange != nil {
		s.onChange(keys)
	}
	s.table.Store(NewTable(routes))
	s.keys.Store(&keys)
}

// resolve sets r.Backend from r's Service: the externalName of an
// ExternalName Service, else the Service's cluster DNS name; and
// r.Endpoints when its readiness comes from EndpointSlices.
func (s *Source) resolve(r *Route) error {
	l := kubeutil.ForNamespace(s.services, r.Namespace)
	if l == nil {
		return fmt.Errorf("namespace %s is not watched", r.Namespace)
	}
	svc, err := l.Services(r.Namespace).Get(r.Service)
	if err != nil {
		return fmt.Errorf("service %s of annotation %s: %w", r.Service, AnnotationService, err)
	}
	host := r.Service + "." + r.Namespace + ".svc"
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		host = svc.Spec.ExternalName
	} else {
		r.Endpoints = s.usesSlices(r.Namespace, svc.Spec.Selector)
	}
	r.Backend = net.JoinHostPort(host, strconv.Itoa(r.Port))
	return nil
}

// Run waits until the informers have synced, builds the table, and then
// rebuilds it after changes, coalescing bursts (a resync of thousands of
// objects is one rebuild, not thousands), until ctx is done.
func (s *Source) Run(ctx context.Context, synced ...cache.InformerSynced) {
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return
	}
	s.Rebuild()
	s.ready.Store(true)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.dirty:
			s.Rebuild()
		}
	}
}

// Ready reports whether the table has been built from synced caches.
func (s *Source) Ready() bool { return s.ready.Load() }

// kick asks Run for a rebuild; it never blocks.
func (s *Source) kick() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// routingChanged reports whether an update can change a route: the
// routing annotations of a ScaledObject (not its status, nor the wake
// stamp), or the type, externalName or having a selector of a Service.
func routingChanged(old, cur any) bool {
	switch o := old.(type) {
	case *v1alpha1.ScaledObject:
		c, ok := cur.(*v1alpha1.ScaledObject)
		if !ok {
			return true
		}
		for _, k := range []string{AnnotationService, AnnotationHosts, AnnotationPathPrefix} {
			ov, ook := o.Annotations[k]
			cv, cok := c.Annotations[k]
			if ov != cv || ook != cok {
				return true
			}
		}
		return false
	case *corev1.Service:
		c, ok := cur.(*corev1.Service)
		return !ok || o.Spec.Type != c.Spec.Type || o.Spec.ExternalName != c.Spec.ExternalName ||
			(len(o.Spec.Selector) == 0) != (len(c.Spec.Selector) == 0)
	default:
		return true
	}
}
