package install

import (
	"encoding/base64"
	"fmt"
	"path"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// customize does to u what only the install knows: it substitutes the
// namespace, the images and the CA bundle, and adds the install labels
// (managed-by marks what install created, for remove and IsOurs; the CRDs
// from controller-gen carry no labels at all). Everything else comes from
// the chart through the embedded base. Kinds with nested references are
// edited as typed objects.
func customize(u *unstructured.Unstructured, o Options, tls *TLS) error {
	l := u.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	for k, v := range installLabels() {
		l[k] = v
	}
	u.SetLabels(l)
	if u.GetNamespace() == placeholderNamespace {
		u.SetNamespace(o.Namespace)
	}
	switch u.GetKind() {
	case "Namespace":
		if u.GetName() == placeholderNamespace {
			u.SetName(o.Namespace)
		}
	case "Deployment":
		return editTyped(u, &appsv1.Deployment{}, func(d *appsv1.Deployment) {
			for i := range d.Spec.Template.Spec.Containers {
				c := &d.Spec.Template.Spec.Containers[i]
				c.Image = o.Image(component(c.Image))
			}
		})
	case "ClusterRoleBinding":
		return editTyped(u, &rbacv1.ClusterRoleBinding{}, func(b *rbacv1.ClusterRoleBinding) {
			renameSubjects(b.Subjects, o.Namespace)
		})
	case "RoleBinding":
		return editTyped(u, &rbacv1.RoleBinding{}, func(b *rbacv1.RoleBinding) {
			renameSubjects(b.Subjects, o.Namespace)
		})
	case "APIService":
		if err := unstructured.SetNestedField(u.Object, o.Namespace, "spec", "service", "namespace"); err != nil {
			return err
		}
		return unstructured.SetNestedField(u.Object, base64.StdEncoding.EncodeToString(tls.CA), "spec", "caBundle")
	}
	return nil
}

// component returns the image name without registry and tag:
// "ghcr.io/sluice-dev/sluice-adapter:latest" → "sluice-adapter".
func component(image string) string {
	name := path.Base(image)
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	return name
}

// renameSubjects moves the subjects in the placeholder namespace to ns.
func renameSubjects(subjects []rbacv1.Subject, ns string) {
	for i := range subjects {
		if subjects[i].Namespace == placeholderNamespace {
			subjects[i].Namespace = ns
		}
	}
}

// editTyped converts u to T, calls edit, and converts it back into u,
// without status and empty fields.
func editTyped[T runtime.Object](u *unstructured.Unstructured, typed T, edit func(T)) error {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	edit(typed)
	out, err := appmanifests.Unstructured([]runtime.Object{typed})
	if err != nil {
		return err
	}
	u.Object = out[0].Object
	return nil
}
