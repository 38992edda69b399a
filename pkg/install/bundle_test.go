package install

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// bundle renders the bundle for o with fresh TLS material.
func bundle(t *testing.T, o Options) ([]*unstructured.Unstructured, *TLS) {
	t.Helper()
	tls, err := NewTLS(o.withDefaults().Namespace, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Bundle(o, tls)
	if err != nil {
		t.Fatal(err)
	}
	return objs, tls
}

func TestBundleSubstitutesNamespaceAndImages(t *testing.T) {
	tests := []struct {
		name      string
		opts      Options
		namespace string
		adapter   string
		activator string
	}{
		{"defaults", Options{}, DefaultNamespace, "ghcr.io/sluice-dev/sluice-adapter:" + DefaultImageTag(), "ghcr.io/sluice-dev/sluice-activator:" + DefaultImageTag()},
		{"namespace and tag", Options{Namespace: "autoscaling", ImageTag: "v1.2.3"}, "autoscaling", "ghcr.io/sluice-dev/sluice-adapter:v1.2.3", "ghcr.io/sluice-dev/sluice-activator:v1.2.3"},
		{"registry", Options{Registry: "registry.local:5000/mirror/", ImageTag: "t"}, DefaultNamespace, "registry.local:5000/mirror/sluice-adapter:t", "registry.local:5000/mirror/sluice-activator:t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, tls := bundle(t, tt.opts)
			images := map[string]string{}
			for _, u := range objs {
				if !Selector().Matches(labelsOf(u)) {
					t.Errorf("%s %s: missing install labels: %v", u.GetKind(), u.GetName(), u.GetLabels())
				}
				k, _, err := kindOf(u)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case k.namespaced && u.GetNamespace() != tt.namespace && (u.GetNamespace() != "kube-system" || u.GetKind() != "RoleBinding"):
					t.Errorf("%s %s: namespace %q, want %q", u.GetKind(), u.GetName(), u.GetNamespace(), tt.namespace)
				case !k.namespaced && u.GetNamespace() != "":
					t.Errorf("%s %s: cluster-scoped object with namespace %q", u.GetKind(), u.GetName(), u.GetNamespace())
				}
				switch u.GetKind() {
				case "Namespace":
					if u.GetName() != tt.namespace {
						t.Errorf("Namespace %q, want %q", u.GetName(), tt.namespace)
					}
				case "Deployment":
					var d appsv1.Deployment
					fromUnstructured(t, u, &d)
					images[d.Name] = d.Spec.Template.Spec.Containers[0].Image
				case "RoleBinding", "ClusterRoleBinding":
					var b rbacv1.ClusterRoleBinding // same subjects shape
					fromUnstructured(t, u, &b)
					for _, s := range b.Subjects {
						if s.Namespace != tt.namespace && s.Name != "horizontal-pod-autoscaler" {
							t.Errorf("%s %s: subject %s in %q, want %q", u.GetKind(), u.GetName(), s.Name, s.Namespace, tt.namespace)
						}
					}
				case "APIService":
					ns, _, _ := unstructured.NestedString(u.Object, "spec", "service", "namespace")
					ca, _, _ := unstructured.NestedString(u.Object, "spec", "caBundle")
					if ns != tt.namespace {
						t.Errorf("APIService service namespace %q, want %q", ns, tt.namespace)
					}
					if ca != base64.StdEncoding.EncodeToString(tls.CA) {
						t.Errorf("APIService caBundle is not the CA of the TLS material")
					}
					if skip, found, _ := unstructured.NestedBool(u.Object, "spec", "insecureSkipTLSVerify"); skip || !found {
						t.Errorf("APIService: insecureSkipTLSVerify %v (set: %v), want an explicit false", skip, found)
					}
				}
			}
			if images["sluice-adapter"] != tt.adapter || images["sluice-activator"] != tt.activator {
				t.Errorf("images %v, want adapter %s and activator %s", images, tt.adapter, tt.activator)
			}
			if want := strings.Replace(tt.activator, "sluice-activator", "sluice-http", 1); images["sluice-http"] != want {
				t.Errorf("images %v, want http %s", images, want)
			}
		})
	}
}

func TestBundleOrder(t *testing.T) {
	objs, _ := bundle(t, Options{})
	if got := objs[0].GetKind(); got != "CustomResourceDefinition" {
		t.Errorf("first object is a %s, want the CRDs first", got)
	}
	if got := objs[len(objs)-1].GetKind(); got != "APIService" {
		t.Errorf("last object is a %s, want the APIService last", got)
	}
	counts := map[string]int{}
	for _, u := range objs {
		counts[u.GetKind()]++
	}
	want := map[string]int{"CustomResourceDefinition": 3, "Namespace": 1, "ServiceAccount": 3, "Deployment": 3, "Service": 3, "Secret": 1, "APIService": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d objects of kind %s, want %d", counts[k], k, n)
		}
	}
}

func TestComponent(t *testing.T) {
	tests := map[string]string{
		"ghcr.io/sluice-dev/sluice-adapter:latest": "sluice-adapter",
		"sluice-activator":                         "sluice-activator",
		"r:5000/x/sluice-adapter@sha256:abc":       "sluice-adapter",
	}
	for in, want := range tests {
		if got := component(in); got != want {
			t.Errorf("component(%q) = %q, want %q", in, got, want)
		}
	}
}

func fromUnstructured(t *testing.T, u *unstructured.Unstructured, into any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into); err != nil {
		t.Fatalf("decode %s %s: %v", u.GetKind(), u.GetName(), err)
	}
}

func TestDecodeManifest(t *testing.T) {
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"
	tests := []struct {
		name, in string
		want     []string // names of the objects, in order
		err      string
	}{
		{"empty", "", nil, ""},
		{"empty documents skipped", "---\n" + fmt.Sprintf(cm, "a") + "---\n---\n" + fmt.Sprintf(cm, "b"), []string{"a", "b"}, ""},
		{"JSON", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}`, []string{"j"}, ""},
		{"no apiVersion", "kind: ConfigMap\nmetadata:\n  name: x\n", nil, "document 0 is no object"},
		{"no name, counted after an empty document", "---\n---\napiVersion: v1\nkind: ConfigMap\n", nil, "document 1 is no object"},
		{"not YAML", fmt.Sprintf(cm, "a") + "---\napiVersion: [v1\n", nil, "document 1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := DecodeManifest([]byte(tt.in))
			if err != nil || tt.err != "" {
				if tt.err == "" || err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("DecodeManifest: %v, want an error with %q", err, tt.err)
				}
				return
			}
			var got []string
			for _, u := range objs {
				got = append(got, u.GetName())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("decoded %v, want %v", got, tt.want)
			}
		})
	}
}
