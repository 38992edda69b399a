package helm

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/sluice-dev/sluice/pkg/install"
)

// helmLabels are the labels Helm's conventions add and `sluice install`
// does not (or sets to another value: managed-by is "sluice" there).
func helmLabels() []string {
	return []string{
		"helm.sh/chart",
		"app.kubernetes.io/managed-by",
		"app.kubernetes.io/instance",
		"app.kubernetes.io/version",
	}
}

// generated stands in for TLS material, which differs on every run.
const generated = "<generated>"

// TestChartMatchesInstall renders the chart with default values and
// compares its objects with those of `sluice install` for the same
// namespace and image tag. Allowed differences: Helm's labels, the TLS
// material, the Namespace (Helm's release namespace exists before the
// release: `helm install --create-namespace`), and the labels of the CRDs
// (Helm installs crds/ verbatim).
func TestChartMatchesInstall(t *testing.T) {
	tests := []struct{ name, namespace string }{
		{"default namespace", install.DefaultNamespace},
		{"other namespace", "autoscaling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chartObjs := render(t, tt.namespace, nil)
			tls, err := install.NewTLS(tt.namespace, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tag := loadChart(t).Metadata.AppVersion
			installObjs, err := install.Bundle(install.Options{Namespace: tt.namespace, ImageTag: tag}, tls)
			if err != nil {
				t.Fatal(err)
			}
			want := normalizeAll(t, withoutNamespace(t, installObjs, tt.namespace))
			got := normalizeAll(t, chartObjs)
			if d := diffObjects(want, got); d != "" {
				t.Errorf("chart and `sluice install` differ (- install, + chart):\n%s", d)
			}
		})
	}
}

// withoutNamespace drops the one Namespace object, ns, from objs.
func withoutNamespace(t *testing.T, objs []*unstructured.Unstructured, ns string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, u := range objs {
		if u.GetKind() == "Namespace" {
			if u.GetName() != ns {
				t.Errorf("install creates Namespace %s, want %s", u.GetName(), ns)
			}
			continue
		}
		out = append(out, u)
	}
	return out
}

// normalizeAll returns objs as plain JSON values keyed by key(), without
// the allowed differences.
func normalizeAll(t *testing.T, objs []*unstructured.Unstructured) map[string]any {
	t.Helper()
	out := make(map[string]any, len(objs))
	for _, u := range objs {
		k := key(u)
		if _, dup := out[k]; dup {
			t.Errorf("%s appears twice", k)
		}
		out[k] = normalize(t, u)
	}
	return out
}

// normalize returns a JSON round-trip of u (so that numbers compare alike)
// without Helm's labels and with the TLS material replaced by generated.
func normalize(t *testing.T, u *unstructured.Unstructured) any {
	t.Helper()
	u = u.DeepCopy()
	labels := u.GetLabels()
	for _, l := range helmLabels() {
		delete(labels, l)
	}
	if u.GetKind() == "CustomResourceDefinition" {
		labels = nil
	}
	u.SetLabels(labels)
	switch u.GetKind() {
	case "Secret":
		data, _, _ := unstructured.NestedMap(u.Object, "data")
		for k := range data {
			data[k] = generated
		}
		_ = unstructured.SetNestedMap(u.Object, data, "data")
	case "APIService":
		if _, ok, _ := unstructured.NestedString(u.Object, "spec", "caBundle"); ok {
			_ = unstructured.SetNestedField(u.Object, generated, "spec", "caBundle")
		}
	}
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

// diffObjects lists the objects only one side has and the field
// differences of the others, in key order; "" when they are equal.
func diffObjects(want, got map[string]any) string {
	keys := make([]string, 0, len(want)+len(got))
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		w, inWant := want[k]
		g, inGot := got[k]
		switch {
		case !inGot:
			b.WriteString("only in install: " + k + "\n")
		case !inWant:
			b.WriteString("only in the chart: " + k + "\n")
		default:
			if d := cmp.Diff(w, g); d != "" {
				b.WriteString(k + ":\n" + d + "\n")
			}
		}
	}
	return b.String()
}
