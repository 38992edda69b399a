//go:build integration

package helm

import (
	"context"
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// fieldManager is the field manager of the test's applies.
const fieldManager = "sluice-helm-test"

// TestRenderedObjectsAccepted applies what the chart renders, with default
// and with non-default values, to a real kube-apiserver with server-side
// apply and strict field validation: the CRDs first, then the rest in
// Helm's order, into a namespace created first as
// `helm install --create-namespace` does.
func TestRenderedObjectsAccepted(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	dyn, err := dynamic.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, namespace string
		values          func(t *testing.T, ns string) map[string]any
	}{
		{"defaults", "sluice-system", func(*testing.T, string) map[string]any { return nil }},
		{"custom values", "autoscaling", func(t *testing.T, ns string) map[string]any { v, _ := suppliedTLS(t, ns, ""); return v }},
		{"existing secret", "bring-your-own", func(t *testing.T, ns string) map[string]any { v, _ := suppliedTLS(t, ns, "mine"); return v }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			objs := render(t, tt.namespace, tt.values(t, tt.namespace))
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: tt.namespace}}
			if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			var crds [][]byte
			var rest []*unstructured.Unstructured
			for _, u := range objs {
				if u.GetKind() != "CustomResourceDefinition" {
					rest = append(rest, u)
					continue
				}
				raw, err := json.Marshal(u.Object)
				if err != nil {
					t.Fatal(err)
				}
				crds = append(crds, raw)
			}
			if len(crds) == 0 {
				t.Fatal("the chart renders no CRDs")
			}
			if err := cp.InstallCRDs(ctx, crds...); err != nil {
				t.Fatalf("install the chart's CRDs: %v", err)
			}
			mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cp.Client.Discovery()))
			for _, u := range rest {
				if err := applyStrict(ctx, dyn, mapper, u); err != nil {
					t.Errorf("apply %s: %v", key(u), err)
				}
			}
		})
	}
	t.Run("strict validation rejects unknown fields", func(t *testing.T) {
		u := find(t, render(t, "sluice-system", nil), "Service", "sluice-adapter")
		u.Object["spec"].(map[string]any)["bogus"] = true
		mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cp.Client.Discovery()))
		if err := applyStrict(context.Background(), dyn, mapper, u); err == nil {
			t.Error("applied a Service with an unknown field")
		}
	})
}

// applyStrict applies u with server-side apply and strict field
// validation: an unknown or duplicate field is an error.
func applyStrict(ctx context.Context, dyn dynamic.Interface, mapper *restmapper.DeferredDiscoveryRESTMapper, u *unstructured.Unstructured) error {
	gvk := u.GroupVersionKind()
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: fieldManager, Force: &force, FieldValidation: metav1.FieldValidationStrict}
	var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
	if m.Scope.Name() == "namespace" {
		r = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
	}
	_, err = r.Patch(ctx, u.GetName(), types.ApplyPatchType, raw, opts)
	return err
}
