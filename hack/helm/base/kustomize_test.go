package base

import (
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/sluice-dev/sluice/pkg/install"
)

// TestKustomizeBuildsBase runs kustomize (the library behind kubectl's
// -k) on the rendered base and wants exactly the objects of its files:
// kustomization.yaml lists them all and kustomize reads them as written.
func TestKustomizeBuildsBase(t *testing.T) {
	dir := t.TempDir()
	files := rendered(t, "")
	if _, err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	built, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	out, err := built.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	got, err := install.DecodeManifest(out)
	if err != nil {
		t.Fatalf("decode kustomize's output: %v", err)
	}
	want := map[string]*unstructured.Unstructured{}
	for name, text := range files {
		if name == Kustomization {
			continue
		}
		objs, err := install.DecodeManifest(text)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, o := range objs {
			want[objectKey(o)] = o
		}
	}
	if len(got) != len(want) {
		t.Errorf("kustomize built %d objects, the files hold %d", len(got), len(want))
	}
	for _, o := range got {
		k := objectKey(o)
		if w, ok := want[k]; !ok {
			t.Errorf("kustomize built %s, which no file holds", k)
		} else if !reflect.DeepEqual(o.Object, w.Object) {
			t.Errorf("kustomize changed %s:\n got %v\nwant %v", k, o.Object, w.Object)
		}
	}
}

// objectKey is "kind namespace/name" of a decoded object.
func objectKey(o *unstructured.Unstructured) string {
	return o.GetKind() + " " + filepath.Join(o.GetNamespace(), o.GetName())
}
