//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/install"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

func apiServicesGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
}

// TestInstallRemoveStatusLifecycle installs Sluice into a control plane of
// its own (install and remove change cluster-wide objects: the CRDs and
// the external metrics APIService, which the other tests share), serves
// the external metrics API from an adapter process with the certificate
// install generated, with TLS verification on, shows a metric with
// status, and removes everything again.
func TestInstallRemoveStatusLifecycle(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	const ns = "sluice-e2e"
	dyn := newClient(t, cp, dynamic.NewForConfig)

	if r := sluiceCLI(t, cp, "install", "-n", ns, "--image-tag", "e2e"); r.err != nil {
		t.Fatalf("install: %v: %s", r.err, r.errOut)
	}
	secret := checkInstalled(t, cp, dyn, ns)

	t.Run("rerun keeps the certificate", func(t *testing.T) {
		r := sluiceCLI(t, cp, "install", "-n", ns, "--image-tag", "e2e")
		if r.err != nil {
			t.Fatalf("install: %v: %s", r.err, r.errOut)
		}
		if !strings.Contains(r.out, "keeping the certificate") {
			t.Errorf("install output does not say it keeps the certificate")
		}
		again, err := cp.Client.CoreV1().Secrets(ns).Get(ctx, install.TLSSecretName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Data[install.KeyCert], secret.Data[install.KeyCert]) || !bytes.Equal(again.Data[install.KeyCA], secret.Data[install.KeyCA]) {
			t.Errorf("the certificate changed on a rerun")
		}
	})

	t.Run("wait times out naming what is missing", func(t *testing.T) {
		r := sluiceCLI(t, cp, "install", "-n", ns, "--wait", "--timeout", "3s")
		if r.err == nil || !strings.Contains(r.errOut, "not available after 3s") {
			t.Errorf("install --wait with no adapter running: %v, stderr %q; want a timeout naming the APIService's condition", r.err, r.errOut)
		}
	})

	adapter := startInstalledAdapter(t, cp, ns)
	t.Run("APIService available with TLS verification", func(t *testing.T) {
		var progress bytes.Buffer
		in, err := install.NewInstaller(cp.Config, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.WaitAvailable(ctx, install.WaitOptions{Timeout: time.Minute, Progress: &progress}); err != nil {
			t.Fatalf("%v\nadapter log:\n%s", err, adapter.LogTail())
		}
		obj, err := dyn.Resource(apiServicesGVR()).Get(ctx, install.APIServiceName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if insecure, _, _ := unstructured.NestedBool(obj.Object, "spec", "insecureSkipTLSVerify"); insecure {
			t.Errorf("APIService skips TLS verification")
		}
	})

	apps := "sluice-e2e-apps"
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: apps}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	createTarget(t, cp, apps, "work")
	src := newValueServer(t, 42)
	so := metricsAPIObject(apps, "work", src.URL)
	kc := newClient(t, cp, versioned.NewForConfig)
	if _, err := kc.KedaV1alpha1().ScaledObjects(apps).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	t.Run("status shows the metric", func(t *testing.T) {
		eventually(t, 30*time.Second, "status shows 42/5", func() error {
			r := sluiceCLI(t, cp, "status", "-n", apps)
			if r.err != nil {
				return r.err
			}
			if !strings.Contains(r.out, "42/5") || !strings.Contains(r.out, "Deployment/work") {
				return fmt.Errorf("status table:\n%s", r.out)
			}
			return nil
		})
		r := sluiceCLI(t, cp, "status", "-A", "-o", "json")
		if r.err != nil || !strings.Contains(r.out, `"value": "42"`) || !strings.Contains(r.out, `"metric": "s0-metric-api-value"`) {
			t.Errorf("status -A -o json: %v\n%s", r.err, r.out)
		}
	})

	t.Run("remove refuses while a ScaledObject exists", func(t *testing.T) {
		r := sluiceCLI(t, cp, "remove", "-n", ns)
		if r.err == nil || !strings.Contains(r.errOut, apps+"/work") {
			t.Fatalf("remove: %v, stderr %q; want a refusal listing %s/work", r.err, r.errOut, apps)
		}
		if _, err := dyn.Resource(apiServicesGVR()).Get(ctx, install.APIServiceName, metav1.GetOptions{}); err != nil {
			t.Errorf("the APIService after a refused remove: %v", err)
		}
	})

	t.Run("remove succeeds once the ScaledObjects are gone", func(t *testing.T) {
		if err := kc.KedaV1alpha1().ScaledObjects(apps).Delete(ctx, "work", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		r := sluiceCLI(t, cp, "remove", "-n", ns)
		if r.err != nil {
			t.Fatalf("remove: %v: %s", r.err, r.errOut)
		}
		checkRemoved(t, cp, dyn, ns)
	})
}

// TestInstallRefusesForeignAPIService registers KEDA's external metrics
// APIService and checks that install stops, names it, and takes it over
// only with --force.
func TestInstallRefusesForeignAPIService(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	ctx := context.Background()
	dyn := newClient(t, cp, dynamic.NewForConfig)
	keda := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": install.APIServiceName, "labels": map[string]any{"app.kubernetes.io/part-of": "keda-operator"}},
		"spec": map[string]any{
			"group": "external.metrics.k8s.io", "version": "v1beta1",
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
			"insecureSkipTLSVerify": true,
			"service":               map[string]any{"namespace": "keda", "name": "keda-operator-metrics-apiserver", "port": int64(443)},
		},
	}}
	if _, err := dyn.Resource(apiServicesGVR()).Apply(ctx, install.APIServiceName, keda, metav1.ApplyOptions{FieldManager: "helm"}); err != nil {
		t.Fatal(err)
	}

	r := sluiceCLI(t, cp, "install")
	if r.err == nil || !strings.Contains(r.errOut, "keda/keda-operator-metrics-apiserver") || !strings.Contains(r.errOut, "KEDA") || !strings.Contains(r.errOut, "--force") {
		t.Fatalf("install over KEDA: %v, stderr %q; want a refusal naming keda/keda-operator-metrics-apiserver, KEDA and --force", r.err, r.errOut)
	}
	if n := strings.Count(strings.TrimSpace(r.errOut), "\n"); n != 0 {
		t.Errorf("the error is %d lines, want one", n+1)
	}
	if _, err := cp.Client.CoreV1().Namespaces().Get(ctx, install.DefaultNamespace, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a refused install created namespace %s: %v", install.DefaultNamespace, err)
	}

	if r := sluiceCLI(t, cp, "install", "--force"); r.err != nil {
		t.Fatalf("install --force: %v: %s", r.err, r.errOut)
	}
	obj, err := dyn.Resource(apiServicesGVR()).Get(ctx, install.APIServiceName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svcNS, _, _ := unstructured.NestedString(obj.Object, "spec", "service", "namespace")
	if svcNS != install.DefaultNamespace {
		t.Errorf("APIService service namespace %q after --force, want %q", svcNS, install.DefaultNamespace)
	}
}

// createTarget creates a Deployment for a ScaledObject to scale.
func createTarget(t *testing.T, cp *testenv.ControlPlane, ns, name string) {
	t.Helper()
	one := int32(1)
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: &one,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.invalid/app:1"}}},
			},
		},
	}
	if _, err := cp.Client.AppsV1().Deployments(ns).Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// caBundleOf returns the decoded caBundle of the external metrics
// APIService.
func caBundleOf(t *testing.T, dyn dynamic.Interface) []byte {
	t.Helper()
	obj, err := dyn.Resource(apiServicesGVR()).Get(context.Background(), install.APIServiceName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := unstructured.NestedString(obj.Object, "spec", "caBundle")
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decode caBundle: %v", err)
	}
	return b
}
