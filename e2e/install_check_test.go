//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/sluice-dev/sluice/pkg/install"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// installedObject is an object install must create.
type installedObject struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
}

// installedObjects lists what install creates for ns.
func installedObjects(ns string) []installedObject {
	rbac := func(r string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: r}
	}
	core := func(r string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Version: "v1", Resource: r}
	}
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	deployments := schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	return []installedObject{
		{crds, "", "scaledobjects.keda.sh"},
		{crds, "", "triggerauthentications.keda.sh"},
		{crds, "", "clustertriggerauthentications.keda.sh"},
		{core("namespaces"), "", ns},
		{core("serviceaccounts"), ns, "sluice-adapter"},
		{core("serviceaccounts"), ns, "sluice-activator"},
		{core("serviceaccounts"), ns, "sluice-http"},
		{rbac("clusterroles"), "", "sluice-adapter"},
		{rbac("clusterroles"), "", "sluice-adapter-targets"},
		{rbac("clusterroles"), "", "sluice-activator"},
		{rbac("clusterroles"), "", "sluice-http"},
		{rbac("clusterroles"), "", "sluice-external-metrics-reader"},
		{rbac("clusterrolebindings"), "", "sluice-adapter"},
		{rbac("clusterrolebindings"), "", "sluice-adapter-targets"},
		{rbac("clusterrolebindings"), "", "sluice-adapter-auth-delegator"},
		{rbac("clusterrolebindings"), "", "sluice-activator"},
		{rbac("clusterrolebindings"), "", "sluice-http"},
		{rbac("clusterrolebindings"), "", "sluice-hpa-external-metrics"},
		{rbac("roles"), ns, "sluice-adapter-leader-election"},
		{rbac("roles"), ns, "sluice-activator-leader-election"},
		{rbac("rolebindings"), ns, "sluice-adapter-leader-election"},
		{rbac("rolebindings"), ns, "sluice-activator-leader-election"},
		{rbac("rolebindings"), "kube-system", "sluice-adapter-auth-reader"},
		{core("secrets"), ns, install.TLSSecretName},
		{core("services"), ns, "sluice-adapter"},
		{core("services"), ns, "sluice-activator"},
		{core("services"), ns, "sluice-http"},
		{deployments, ns, "sluice-adapter"},
		{deployments, ns, "sluice-activator"},
		{deployments, ns, "sluice-http"},
		{apiServicesGVR(), "", install.APIServiceName},
	}
}

// checkInstalled checks that every object install creates exists with the
// install labels, that the Deployments run the tagged images, and that the
// APIService trusts the CA in the Secret. It returns the Secret.
func checkInstalled(t *testing.T, cp *testenv.ControlPlane, dyn dynamic.Interface, ns string) *corev1.Secret {
	t.Helper()
	ctx := context.Background()
	for _, o := range installedObjects(ns) {
		u, err := dyn.Resource(o.gvr).Namespace(o.namespace).Get(ctx, o.name, metav1.GetOptions{})
		if err != nil {
			t.Errorf("%s %s/%s: %v", o.gvr.Resource, o.namespace, o.name, err)
			continue
		}
		if l := u.GetLabels(); l[install.LabelManagedBy] != "sluice" || l[install.LabelPartOf] != install.PartOf {
			t.Errorf("%s %s/%s: labels %v lack the install labels", o.gvr.Resource, o.namespace, o.name, l)
		}
	}
	for _, name := range []string{"sluice-adapter", "sluice-activator", "sluice-http"} {
		d, err := cp.Client.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if img := d.Spec.Template.Spec.Containers[0].Image; img != "ghcr.io/sluice-dev/"+name+":e2e" {
			t.Errorf("deployment %s runs %s", name, img)
		}
	}
	secret, err := cp.Client.CoreV1().Secrets(ns).Get(ctx, install.TLSSecretName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{install.KeyCert, install.KeyKey, install.KeyCA} {
		if len(secret.Data[k]) == 0 {
			t.Errorf("secret %s has no %s", install.TLSSecretName, k)
		}
	}
	if !bytes.Equal(caBundleOf(t, dyn), secret.Data[install.KeyCA]) {
		t.Errorf("the APIService's caBundle is not the CA in secret %s", install.TLSSecretName)
	}
	if err := install.CheckTLS(install.TLSFromSecret(secret.Data), ns, time.Now()); err != nil {
		t.Errorf("the generated certificate: %v", err)
	}
	return secret
}

// checkRemoved checks that every object install created is gone, or being
// deleted (no namespace controller runs to finish a namespace).
func checkRemoved(t *testing.T, cp *testenv.ControlPlane, dyn dynamic.Interface, ns string) {
	t.Helper()
	ctx := context.Background()
	for _, o := range installedObjects(ns) {
		u, err := dyn.Resource(o.gvr).Namespace(o.namespace).Get(ctx, o.name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			t.Errorf("%s %s/%s: %v", o.gvr.Resource, o.namespace, o.name, err)
		case u.GetDeletionTimestamp() == nil:
			t.Errorf("%s %s/%s still exists after remove", o.gvr.Resource, o.namespace, o.name)
		}
	}
	if _, err := cp.Client.CoreV1().Namespaces().Get(ctx, "kube-system", metav1.GetOptions{}); err != nil {
		t.Errorf("kube-system after remove: %v", err)
	}
}
