//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestActivatorScalesStatefulSet activates a StatefulSet from 0 to 1 and the
// HPA takes it further.
func TestActivatorScalesStatefulSet(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	src := newValueServer(t, 0)
	labels := map[string]string{"app": "db"}
	sts := cluster.Client.AppsV1().StatefulSets(ns)
	_, err := sts.Create(ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To[int32](0), ServiceName: "db",
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: podTemplate(labels),
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	replicas := func() int32 {
		s, err := sts.Get(ctx, "db", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ptr.Deref(s.Spec.Replicas, 1)
	}
	so := scalingObject(ns, "db", src.URL, func(so *v1alpha1.ScaledObject) {
		so.Spec.ScaleTargetRef = &v1alpha1.ScaleTarget{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "db"}
	})
	if _, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	src.set(3)
	waitReplicas(t, phase, "activated to 1", 1, replicas)
	src.set(12)
	waitReplicas(t, phase, "the HPA scales to 3", 3, replicas)
}

// TestActivatorScalesCustomResource activates a custom resource that only
// declares a /scale subresource.
func TestActivatorScalesCustomResource(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	gvr, err := cluster.InstallWidgetCRD(ctx)
	if err != nil {
		t.Fatal(err)
	}
	startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	src := newValueServer(t, 0)
	widgets := dynamicClient(t).Resource(gvr).Namespace(ns)
	var obj unstructured.Unstructured
	if err := yaml.Unmarshal([]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: gadget}\nspec: {replicas: 0}\n"), &obj.Object); err != nil {
		t.Fatal(err)
	}
	if _, err := widgets.Create(ctx, &obj, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	replicas := func() int32 {
		w, err := widgets.Get(ctx, "gadget", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n, _, _ := unstructured.NestedInt64(w.Object, "spec", "replicas")
		return int32(n)
	}
	so := scalingObject(ns, "gadget", src.URL, func(so *v1alpha1.ScaledObject) {
		so.Spec.ScaleTargetRef = &v1alpha1.ScaleTarget{APIVersion: "example.com/v1", Kind: "Widget", Name: "gadget"}
	})
	keda := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	if _, err := keda.Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	src.set(3)
	waitReplicas(t, phase, "activated to 1 through /scale", 1, replicas)
	eventually(t, phase, "Ready with the resolved target in status", func() error {
		got, err := keda.Get(ctx, "gadget", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if gvkr := got.Status.ScaleTargetGVKR; gvkr == nil || gvkr.Resource != "widgets" || gvkr.Group != "example.com" {
			return fmt.Errorf("scaleTargetGVKR = %+v", gvkr)
		}
		if c := got.Status.Condition(v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Ready = %+v", c)
		}
		return nil
	})
}
