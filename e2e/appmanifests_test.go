//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
	"k8s.io/utils/ptr"
)

// TestDeployManifestsAreAccepted applies every manifest set `sluice deploy`
// makes for the fixture projects (the golden files of pkg/appmanifests) to
// the real kube-apiserver with strict field validation.
func TestDeployManifestsAreAccepted(t *testing.T) {
	goldens, err := filepath.Glob("../pkg/appmanifests/testdata/golden/*.golden")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden files (%v)", err)
	}
	applied := 0
	for _, path := range goldens {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(raw, []byte("# error")) {
			continue // a project deploy rejects; nothing to apply
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".golden"), func(t *testing.T) {
			applied += applyManifests(t, namespace(t), raw)
		})
	}
	if applied == 0 {
		t.Fatal("no object applied")
	}
}

// applyManifests applies every object of the YAML stream out in namespace
// ns with server-side apply and strict field validation, as `kubectl apply
// --server-side` of `sluice deploy --dry-run` output would, reports each
// refused object as a test error, and returns how many were applied.
func applyManifests(t *testing.T, ns string, out []byte) int {
	t.Helper()
	ctx := context.Background()
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cluster.Client.Discovery()))
	dyn := dynamicClient(t)
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(out), 4096)
	applied := 0
	for {
		var obj unstructured.Unstructured
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return applied
		}
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvk := obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatalf("%s: %v", gvk, err)
		}
		obj.SetNamespace(ns)
		body, err := obj.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		_, err = dyn.Resource(m.Resource).Namespace(ns).Patch(ctx, obj.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: "sluice", Force: ptr.To(true), FieldValidation: "Strict"})
		if err != nil {
			t.Errorf("apply %s %s: %v", gvk.Kind, obj.GetName(), err)
			continue
		}
		applied++
	}
}
