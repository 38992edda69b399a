package httpfront

import (
	"fmt"

	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// Endpoints tells the front whether a Service has a ready endpoint; it
// must be safe for concurrent use and must not block.
type Endpoints interface {
	ServiceReady(ns, service string) bool
}

var _ Endpoints = (*Source)(nil)

// watchSlices registers for the EndpointSlices of the namespace ns ("" for
// all) and keeps their lister.
func (s *Source) watchSlices(ns string, inf cache.SharedIndexInformer) error {
	s.slices[ns] = discoverylisters.NewEndpointSliceLister(inf.GetIndexer())
	changed := func(obj any) {
		es, ok := kubeutil.EventObject[*discoveryv1.EndpointSlice](obj)
		if !ok || s.onEndpoints == nil {
			return
		}
		if svc := es.Labels[discoveryv1.LabelServiceName]; svc != "" {
			s.onEndpoints(es.Namespace, svc)
		}
	}
	_, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    changed,
		UpdateFunc: func(_, cur any) { changed(cur) },
		DeleteFunc: changed,
	})
	if err != nil {
		return fmt.Errorf("add endpointslice handler: %w", err)
	}
	return nil
}

// OnEndpoints sets fn to be told of every change to the EndpointSlices of
// a Service (wire it to Front.EndpointsChanged, so that held requests are
// released as soon as an endpoint is ready). Call it before the
// informers start; fn must not block.
func (s *Source) OnEndpoints(fn func(ns, service string)) { s.onEndpoints = fn }

// ServiceReady implements Endpoints: whether an EndpointSlice of the
// Service ns/service lists an endpoint that is ready (an unknown
// readiness counts as ready, as the API documents).
func (s *Source) ServiceReady(ns, service string) bool {
	l := kubeutil.ForNamespace(s.slices, ns)
	if l == nil {
		return false
	}
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: service})
	slices, err := l.EndpointSlices(ns).List(sel)
	if err != nil {
		return false
	}
	for _, es := range slices {
		for _, ep := range es.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				return true
			}
		}
	}
	return false
}

// usesSlices reports whether the readiness of a Service comes from its
// EndpointSlices: it has a selector (so the endpoints controller writes
// them) and they are watched. Others, ExternalName Services above all,
// are probed by dialing.
func (s *Source) usesSlices(ns string, selector map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	_, ok := s.slices[ns]
	_, all := s.slices[""]
	return ok || all
}
