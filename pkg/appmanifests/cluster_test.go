package appmanifests

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// listKinds registers the list kinds of every resource deploy creates.
func listKinds() map[schema.GroupVersionResource]string {
	out := map[schema.GroupVersionResource]string{}
	for _, r := range appResources() {
		out[r.gvr] = r.kind + "List"
	}
	return out
}

// object returns an unstructured object with labels.
func object(apiVersion, kind, ns, name string, labels map[string]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetLabels(labels)
	return u
}

func TestApply(t *testing.T) {
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds())
	var patches []k8stesting.PatchActionImpl
	client.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		p := a.(k8stesting.PatchActionImpl)
		patches = append(patches, p)
		u := &unstructured.Unstructured{}
		return true, u, json.Unmarshal(p.GetPatch(), &u.Object)
	})
	objs := []*unstructured.Unstructured{
		object("v1", "Secret", "", "app", nil),
		object("apps/v1", "Deployment", "other", "app", nil),
		object("keda.sh/v1alpha1", "ScaledObject", "", "app", nil),
	}
	var out bytes.Buffer
	if err := apply(context.Background(), client, "ns", objs, &out); err != nil {
		t.Fatal(err)
	}
	if len(patches) != 3 {
		t.Fatalf("got %d patches, want 3", len(patches))
	}
	wantNS := []string{"ns", "other", "ns"}
	wantRes := []string{"secrets", "deployments", "scaledobjects"}
	for i, p := range patches {
		if p.GetPatchType() != types.ApplyPatchType || p.GetNamespace() != wantNS[i] || p.GetResource().Resource != wantRes[i] {
			t.Errorf("patch %d = %s %s/%s, want apply of %s in %s", i, p.GetPatchType(), p.GetNamespace(), p.GetResource().Resource, wantRes[i], wantNS[i])
		}
	}
	if got := out.String(); got != "secrets/app applied\ndeployments/app applied\nscaledobjects/app applied\n" {
		t.Errorf("output = %q", got)
	}
	if err := apply(context.Background(), client, "ns", []*unstructured.Unstructured{object("v1", "Pod", "", "p", nil)}, &out); err == nil {
		t.Error("apply of an unknown kind succeeded")
	}
}

func TestDelete(t *testing.T) {
	mine := map[string]string{LabelApp: "app", LabelManagedBy: ManagedBy}
	other := map[string]string{LabelApp: "other", LabelManagedBy: ManagedBy}
	notOurs := map[string]string{LabelApp: "app"}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds(),
		object("v1", "Secret", "ns", "app", mine),
		object("apps/v1", "Deployment", "ns", "app", mine),
		object("apps/v1", "Deployment", "ns", "app-http", mine),
		object("v1", "Service", "ns", "app-http", mine),
		object("keda.sh/v1alpha1", "ScaledObject", "ns", "app", mine),
		object("apps/v1", "Deployment", "ns", "other", other),
		object("v1", "ConfigMap", "ns", "shared", notOurs),
		object("v1", "Secret", "elsewhere", "app", mine),
	)
	var out bytes.Buffer
	n, err := deleteApp(context.Background(), client, "ns", "app", &out)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("deleted %d, want 5:\n%s", n, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "scaledobjects/app deleted" || lines[len(lines)-1] != "secrets/app deleted" {
		t.Errorf("delete order = %q, want ScaledObjects first and Secrets last", lines)
	}
	for _, keep := range []struct {
		gvr      schema.GroupVersionResource
		ns, name string
	}{
		{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "ns", "other"},
		{schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, "ns", "shared"},
		{schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, "elsewhere", "app"},
	} {
		if _, err := client.Resource(keep.gvr).Namespace(keep.ns).Get(context.Background(), keep.name, metav1.GetOptions{}); err != nil {
			t.Errorf("%s %s/%s was deleted: %v", keep.gvr.Resource, keep.ns, keep.name, err)
		}
	}
}
