package install

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestRemove(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	in, out := fakeInstaller(t, &now)
	objs, err := in.Plan(ctx, Options{Namespace: "ns"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range objs {
		k, _, _ := kindOf(u)
		if _, err := in.Client.Resource(k.gvr).Namespace(u.GetNamespace()).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// An app object deploy created: managed by sluice, not part of it.
	app := &unstructured.Unstructured{}
	app.SetAPIVersion("v1")
	app.SetKind("Secret")
	app.SetName("orders")
	app.SetNamespace("ns")
	app.SetLabels(map[string]string{LabelManagedBy: "sluice", "sluice.dev/app": "orders"})
	so := &unstructured.Unstructured{}
	so.SetAPIVersion("keda.sh/v1alpha1")
	so.SetKind("ScaledObject")
	so.SetName("orders")
	so.SetNamespace("apps")
	for _, u := range []*unstructured.Unstructured{app, so} {
		gvr := resourceOf("Secret")
		if u.GetKind() == "ScaledObject" {
			gvr = scaledObjectsGVR()
		}
		if _, err := in.Client.Resource(gvr).Namespace(u.GetNamespace()).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	_, err = in.Remove(ctx, RemoveOptions{Namespace: "ns"})
	var exist *ScaledObjectsExistError
	if !errors.As(err, &exist) || strings.Join(exist.Objects, ",") != "apps/orders" {
		t.Fatalf("Remove: %v, want a ScaledObjectsExistError listing apps/orders", err)
	}

	n, err := in.Remove(ctx, RemoveOptions{Namespace: "ns", Force: true, DryRun: true})
	if err != nil || n != len(objs) {
		t.Fatalf("Remove --dry-run: %d, %v; want %d objects", n, err, len(objs))
	}
	n, err = in.Remove(ctx, RemoveOptions{Namespace: "ns", Force: true})
	if err != nil || n != len(objs) {
		t.Fatalf("Remove --force: %d, %v; want %d objects", n, err, len(objs))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	soAt, activatorAt := -1, -1
	for i, l := range lines {
		switch l {
		case "scaledobjects/apps/orders deleted":
			soAt = i
		case "deployments/ns/sluice-activator deleted":
			activatorAt = i
		}
	}
	if soAt < 0 || activatorAt < 0 || soAt > activatorAt {
		t.Errorf("ScaledObject deleted at line %d, activator at %d: the ScaledObjects must go while the activator can finalize them:\n%s", soAt, activatorAt, out.String())
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "customresourcedefinitions/") {
		t.Errorf("last deletion %q, want the CRDs last", last)
	}
	if _, err := in.Client.Resource(resourceOf("Secret")).Namespace("ns").Get(ctx, "orders", metav1.GetOptions{}); err != nil {
		t.Errorf("the app's secret: %v, want it kept", err)
	}
}
