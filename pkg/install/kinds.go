package install

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// kind is a kind install applies: its resource, whether it is namespaced,
// in the order of apply (remove deletes in reverse, the APIService first).
type kind struct {
	name       string
	gvr        schema.GroupVersionResource
	namespaced bool
}

// kinds returns every kind install applies, in apply order: what others
// refer to comes before what refers to it, and the APIService comes last
// so that the aggregator routes to a server that exists.
func kinds() []kind {
	return []kind{
		{"CustomResourceDefinition", schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}, false},
		{"Namespace", schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false},
		{"ServiceAccount", schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}, true},
		{"ClusterRole", schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}, false},
		{"ClusterRoleBinding", schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}, false},
		{"Role", schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}, true},
		{"RoleBinding", schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}, true},
		{"Secret", schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, true},
		{"Service", schema.GroupVersionResource{Version: "v1", Resource: "services"}, true},
		{"Deployment", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, true},
		{"APIService", apiServiceGVR(), false},
	}
}

// apiServiceGVR is the resource of APIServices.
func apiServiceGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
}

// scaledObjectsGVR is the resource of ScaledObjects.
func scaledObjectsGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "keda.sh", Version: "v1alpha1", Resource: "scaledobjects"}
}

// kindOf returns the kind of u and its rank in apply order.
func kindOf(u *unstructured.Unstructured) (kind, int, error) {
	for i, k := range kinds() {
		if k.name == u.GetKind() {
			return k, i, nil
		}
	}
	return kind{}, 0, fmt.Errorf("%s %s: kind not supported by install", u.GetKind(), u.GetName())
}

// sortForApply orders objs by kind in apply order, keeping the order of
// objects of one kind. Unknown kinds go last (Apply rejects them).
func sortForApply(objs []*unstructured.Unstructured) {
	rank := func(u *unstructured.Unstructured) int {
		_, r, err := kindOf(u)
		if err != nil {
			return len(kinds())
		}
		return r
	}
	sort.SliceStable(objs, func(i, j int) bool { return rank(objs[i]) < rank(objs[j]) })
}

// resourceOf returns the resource of the kind name, which must be one of
// kinds().
func resourceOf(name string) schema.GroupVersionResource {
	for _, k := range kinds() {
		if k.name == name {
			return k.gvr
		}
	}
	panic("install: unknown kind " + name) // a programming error: names are constants
}
