package httpfront

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// Annotations on a ScaledObject that route HTTP requests to its app.
const (
	// AnnotationService names the app's Service and port as
	// "<service>:<port>"; its presence opts the ScaledObject into the front.
	AnnotationService = v1alpha1.AnnotationHTTPService
	// AnnotationHosts lists the request hosts routed to the app, comma
	// separated; absent or empty means any host.
	AnnotationHosts = v1alpha1.AnnotationHTTPHosts
	// AnnotationPathPrefix is the path prefix routed to the app; "/" when
	// absent.
	AnnotationPathPrefix = v1alpha1.AnnotationHTTPPathPrefix
)

// Route sends requests matching Hosts and PathPrefix to the app of the
// ScaledObject Namespace/Name, whose Service is Service:Port.
type Route struct {
	Namespace  string
	Name       string
	Service    string
	Port       int
	Hosts      []string
	PathPrefix string
	// Backend is the host:port the front dials, resolved from the Service
	// (its externalName for an ExternalName Service, else its cluster DNS
	// name).
	Backend string
	// Endpoints is true when the Service has a selector and its
	// EndpointSlices are watched: the app is ready when one of them lists
	// a ready endpoint. Otherwise (ExternalName) the front dials Backend.
	Endpoints bool
}

// Key returns "<namespace>/<name>", the app's identity in the front.
func (r *Route) Key() string { return r.Namespace + "/" + r.Name }

// ParseRoute reads the routing annotations of the ScaledObject ns/name.
// It returns (nil, nil) when AnnotationService is absent, and an error
// naming the annotation and what it expects when one is malformed.
func ParseRoute(ns, name string, ann map[string]string) (*Route, error) {
	svc, ok := ann[AnnotationService]
	if !ok {
		return nil, nil
	}
	r := &Route{Namespace: ns, Name: name, PathPrefix: "/"}
	host, port, err := net.SplitHostPort(svc)
	if err != nil {
		return nil, fmt.Errorf("annotation %s must be <service>:<port>, got %q", AnnotationService, svc)
	}
	if errs := validation.IsDNS1035Label(host); len(errs) > 0 {
		return nil, fmt.Errorf("annotation %s: service name %q is invalid: %s", AnnotationService, host, errs[0])
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return nil, fmt.Errorf("annotation %s: port must be 1-65535, got %q", AnnotationService, port)
	}
	r.Service, r.Port = host, p
	for h := range strings.SplitSeq(ann[AnnotationHosts], ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if errs := validation.IsDNS1123Subdomain(h); len(errs) > 0 {
			return nil, fmt.Errorf("annotation %s: host %q is invalid: %s", AnnotationHosts, h, errs[0])
		}
		r.Hosts = append(r.Hosts, h)
	}
	if v, ok := ann[AnnotationPathPrefix]; ok {
		if !strings.HasPrefix(v, "/") || strings.ContainsAny(v, "?# \t") {
			return nil, fmt.Errorf("annotation %s must be a path starting with /, got %q", AnnotationPathPrefix, v)
		}
		r.PathPrefix = v
	}
	return r, nil
}

// Table is an immutable set of routes. Match picks the route with the
// longest path prefix; at equal length a route naming the host wins over
// one for any host.
type Table struct {
	byHost map[string][]*Route
	any    []*Route
}

// NewTable builds a Table from routes.
func NewTable(routes []*Route) *Table {
	t := &Table{byHost: map[string][]*Route{}}
	for _, r := range routes {
		if len(r.Hosts) == 0 {
			t.any = append(t.any, r)
		}
		for _, h := range r.Hosts {
			t.byHost[h] = append(t.byHost[h], r)
		}
	}
	longestFirst := func(rs []*Route) {
		sort.SliceStable(rs, func(i, j int) bool {
			if len(rs[i].PathPrefix) != len(rs[j].PathPrefix) {
				return len(rs[i].PathPrefix) > len(rs[j].PathPrefix)
			}
			return rs[i].Key() < rs[j].Key()
		})
	}
	for _, rs := range t.byHost {
		longestFirst(rs)
	}
	longestFirst(t.any)
	return t
}

// Match returns the route for a request to host (port and case ignored)
// and path, or nil.
func (t *Table) Match(host, path string) *Route {
	if t == nil {
		return nil
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	best := first(t.byHost[host], path)
	if a := first(t.any, path); a != nil && (best == nil || len(a.PathPrefix) > len(best.PathPrefix)) {
		best = a
	}
	return best
}

// first returns the first route in rs (longest prefix first) matching path
// on a segment boundary.
func first(rs []*Route, path string) *Route {
	for _, r := range rs {
		if prefixMatch(r.PathPrefix, path) {
			return r
		}
	}
	return nil
}

// prefixMatch reports whether path is prefix or lies below it: "/api"
// matches "/api" and "/api/x" but not "/apix".
func prefixMatch(prefix, path string) bool {
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || strings.HasSuffix(prefix, "/") || path[len(prefix)] == '/'
}
