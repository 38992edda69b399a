package helm

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/sluice-dev/sluice/hack/helm/base"
	"github.com/sluice-dev/sluice/pkg/install"
)

// renderBase renders the kustomize base into ns and decodes its objects.
func renderBase(t *testing.T, ns string) []*unstructured.Unstructured {
	t.Helper()
	files, err := base.Render(filepath.Join("..", ".."), ns)
	if err != nil {
		t.Fatalf("render the base into %s: %v", ns, err)
	}
	var objs []*unstructured.Unstructured
	for name, text := range files {
		if name == base.Kustomization {
			continue
		}
		docs, err := install.DecodeManifest(text)
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		objs = append(objs, docs...)
	}
	return objs
}

// TestInstallNamespaceAsChart checks that `sluice install --namespace`
// does to the embedded base what the chart does with its release
// namespace: the bundle for another namespace equals the base rendered
// into it, apart from what install adds (the CRDs, the TLS Secret, the
// APIService's caBundle and its managed-by label).
func TestInstallNamespaceAsChart(t *testing.T) {
	const ns = "autoscaling"
	tls, err := install.NewTLS(ns, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := install.Bundle(install.Options{Namespace: ns, ImageTag: "latest"}, tls)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, u := range bundle {
		switch u.GetKind() {
		case "CustomResourceDefinition":
			continue
		case "Secret":
			if u.GetName() == install.TLSSecretName {
				continue
			}
		case "APIService":
			unstructured.RemoveNestedField(u.Object, "spec", "caBundle")
		}
		labels := u.GetLabels()
		delete(labels, install.LabelManagedBy)
		u.SetLabels(labels)
		got[key(u)] = plain(t, u)
	}
	want := map[string]any{}
	for _, u := range renderBase(t, ns) {
		want[key(u)] = plain(t, u)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("install into %s differs from the chart rendered into it (- chart, + install):\n%s", ns, d)
	}
}

// TestHelmLabelsOnlyInReleases checks the one label difference between a
// Helm release and the base: Helm's labels on every object Helm renders
// from the templates, on none of the base's.
func TestHelmLabelsOnlyInReleases(t *testing.T) {
	helmLabels := []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version"}
	for _, u := range render(t, "sluice-system", nil) {
		if u.GetKind() == "CustomResourceDefinition" {
			continue // Helm installs crds/ verbatim
		}
		for _, l := range append(helmLabels, install.LabelPartOf) {
			if _, ok := u.GetLabels()[l]; !ok {
				t.Errorf("release: %s lacks the label %s", key(u), l)
			}
		}
	}
	for _, u := range renderBase(t, "sluice-system") {
		for _, l := range helmLabels {
			if v, ok := u.GetLabels()[l]; ok {
				t.Errorf("base: %s has Helm's label %s=%s", key(u), l, v)
			}
		}
	}
}

// plain returns a JSON round-trip of u, so that numbers decoded from YAML
// and set by Go code compare alike.
func plain(t *testing.T, u *unstructured.Unstructured) any {
	t.Helper()
	raw, err := json.Marshal(u.Object)
	if err != nil {
		t.Fatalf("encode %s: %v", key(u), err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", key(u), err)
	}
	return v
}
