package appmanifests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

// kindResource is a kind deploy creates and its resource.
type kindResource struct {
	kind string
	gvr  schema.GroupVersionResource
}

// appResources returns the kinds deploy creates with their resources, in
// the order delete removes them: the scalers first, the settings last.
func appResources() []kindResource {
	return []kindResource{
		{"ScaledObject", schema.GroupVersionResource{Group: "keda.sh", Version: "v1alpha1", Resource: "scaledobjects"}},
		{"Service", schema.GroupVersionResource{Version: "v1", Resource: "services"}},
		{"Deployment", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}},
		{"ConfigMap", schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}},
		{"Secret", schema.GroupVersionResource{Version: "v1", Resource: "secrets"}},
	}
}

// resourceFor returns the resource of kind.
func resourceFor(kind string) (schema.GroupVersionResource, bool) {
	for _, r := range appResources() {
		if r.kind == kind {
			return r.gvr, true
		}
	}
	return schema.GroupVersionResource{}, false
}

// Apply server-side applies the objects in order, with field manager
// "sluice" and conflicts forced, and writes one line per object to out.
// Objects without a namespace go to namespace.
func Apply(ctx context.Context, cfg *rest.Config, namespace string, objs []*unstructured.Unstructured, out io.Writer) error {
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	return apply(ctx, client, namespace, objs, out)
}

// apply is Apply over a client.
func apply(ctx context.Context, client dynamic.Interface, namespace string, objs []*unstructured.Unstructured, out io.Writer) error {
	force := true
	for _, u := range objs {
		gvr, ok := resourceFor(u.GetKind())
		if !ok {
			return fmt.Errorf("apply %s/%s: unknown kind", u.GetKind(), u.GetName())
		}
		ns := u.GetNamespace()
		if ns == "" {
			ns = namespace
		}
		data, err := json.Marshal(u.Object)
		if err != nil {
			return fmt.Errorf("encode %s/%s: %w", u.GetKind(), u.GetName(), err)
		}
		_, err = client.Resource(gvr).Namespace(ns).Patch(ctx, u.GetName(), types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: ManagedBy, Force: &force})
		if err != nil {
			return fmt.Errorf("apply %s %s/%s: %w", u.GetKind(), ns, u.GetName(), err)
		}
		fmt.Fprintf(out, "%s/%s applied\n", gvr.Resource, u.GetName())
	}
	return nil
}

// Delete deletes, in namespace, every object deploy created for the app
// name (found by Selector) and writes one line per object to out. It
// returns the number deleted; objects already gone are not errors.
func Delete(ctx context.Context, cfg *rest.Config, namespace, name string, out io.Writer) (int, error) {
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return 0, fmt.Errorf("create client: %w", err)
	}
	return deleteApp(ctx, client, namespace, name, out)
}

// deleteApp is Delete over a client.
func deleteApp(ctx context.Context, client dynamic.Interface, namespace, name string, out io.Writer) (int, error) {
	selector := Selector(name).String()
	n := 0
	for _, r := range appResources() {
		list, err := client.Resource(r.gvr).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if apierrors.IsNotFound(err) && r.kind == "ScaledObject" {
			continue // the CRD is not installed: there is nothing of this kind
		}
		if err != nil {
			return n, fmt.Errorf("list %s: %w", r.gvr.Resource, err)
		}
		for _, item := range list.Items {
			err := client.Resource(r.gvr).Namespace(namespace).Delete(ctx, item.GetName(), metav1.DeleteOptions{})
			if apierrors.IsNotFound(err) {
				continue
			}
			if err != nil {
				return n, fmt.Errorf("delete %s %s/%s: %w", r.kind, namespace, item.GetName(), err)
			}
			n++
			fmt.Fprintf(out, "%s/%s deleted\n", r.gvr.Resource, item.GetName())
		}
	}
	return n, nil
}
