//go:build integration

package kubeclient

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// TestScalesSpeakProtobuf reads and writes /scale of a Deployment and of a
// custom resource through a scale client built from BuiltinTypes, as the
// activator does, against a real kube-apiserver: the replicas written are
// the ones stored, and the Deployment's /scale answers in protobuf.
func TestScalesSpeakProtobuf(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	widgets, err := cp.InstallWidgetCRD(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "default"
	labels := map[string]string{"app": "web"}
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns}, Spec: appsv1.DeploymentSpec{
		Replicas: ptr.To[int32](0), Selector: &metav1.LabelSelector{MatchLabels: labels},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "w", Image: "example.invalid/w"}}}}}}
	if _, err := cp.Client.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	w := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": map[string]any{"name": "g"}, "spec": map[string]any{"replicas": int64(0)}}}
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := dyn.Resource(widgets).Namespace(ns).Create(ctx, w, metav1.CreateOptions{})
		return err == nil, nil // the CRD may not be served yet
	})
	if err != nil {
		t.Fatalf("create widget: %v", err)
	}

	cfg, rec := recording(BuiltinTypes(cp.Config))
	kube, err := kubernetes.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(kube.Discovery()))
	scales, err := scale.NewForConfig(cfg, mapper, dynamic.LegacyAPIPathResolverFunc, scale.NewDiscoveryScaleKindResolver(kube.Discovery()))
	if err != nil {
		t.Fatal(err)
	}
	for _, gr := range []schema.GroupResource{{Group: "apps", Resource: "deployments"}, widgets.GroupResource()} {
		name := map[string]string{"deployments": "web", "widgets": "g"}[gr.Resource]
		sc, err := scales.Scales(ns).Get(ctx, gr, name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get %s/scale: %v", gr, err)
		}
		sc.Spec.Replicas = 3
		if _, err := scales.Scales(ns).Update(ctx, gr, sc, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update %s/scale: %v", gr, err)
		}
		got, err := scales.Scales(ns).Get(ctx, gr, name, metav1.GetOptions{})
		if err != nil || got.Spec.Replicas != 3 {
			t.Errorf("%s/scale after the update: %v, %+v", gr, err, got)
		}
	}
	// A built-in kind's /scale answers in protobuf; a custom resource's
	// /scale takes the protobuf body and answers in JSON, which the Accept
	// header allows.
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.paths) != 6 {
		t.Errorf("recorded %q", rec.paths)
	}
	for _, p := range rec.paths {
		if strings.Contains(p, "/apis/apps/") && !strings.HasSuffix(p, " "+runtime.ContentTypeProtobuf) {
			t.Errorf("%s: want a protobuf answer", p)
		}
	}
}
