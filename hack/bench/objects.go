package main

import (
	"context"
	"fmt"
	"strconv"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// createConcurrency is how many creates are in flight at once.
const createConcurrency = 64

// objectName is the name of the i-th ScaledObject and of its target.
func objectName(i int) string { return "s" + strconv.Itoa(i) }

// scaledObject returns a ScaledObject named name scaling the Deployment of
// the same name with one metrics-api trigger reading url.
func scaledObject(name, url string, pollingInterval int32) *v1alpha1.ScaledObject {
	return &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: benchNamespace},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef:  &v1alpha1.ScaleTarget{Name: name},
			PollingInterval: ptr.To(pollingInterval),
			Triggers: []v1alpha1.ScaleTriggers{{
				Type:     "metrics-api",
				Metadata: map[string]string{"url": url, "valueLocation": "value", "targetValue": "5"},
			}},
		},
	}
}

// deployment returns a Deployment named name with replicas. No kubelet
// runs, so its pods stay Pending; replicas and /scale behave as usual.
func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: benchNamespace},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "worker", Image: "example.invalid/worker"}}},
			},
		},
	}
}

// createScaledObjects creates n ScaledObjects s0…s<n-1>, url(i) giving the
// trigger's URL, many at once.
func (e *env) createScaledObjects(ctx context.Context, n int, url func(i int) string, pollingInterval int32) error {
	return forEach(ctx, n, func(ctx context.Context, i int) error {
		so := scaledObject(objectName(i), url(i), pollingInterval)
		if _, err := e.keda.KedaV1alpha1().ScaledObjects(benchNamespace).Create(ctx, so, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create ScaledObject %s: %w", so.Name, err)
		}
		return nil
	})
}

// createDeployments creates n Deployments s0…s<n-1> with replicas each.
func (e *env) createDeployments(ctx context.Context, n int, replicas int32) error {
	return forEach(ctx, n, func(ctx context.Context, i int) error {
		d := deployment(objectName(i), replicas)
		if _, err := e.kube.AppsV1().Deployments(benchNamespace).Create(ctx, d, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create Deployment %s: %w", d.Name, err)
		}
		return nil
	})
}

// forEach calls f for 0…n-1, createConcurrency at a time, and stops at the
// first error.
func forEach(ctx context.Context, n int, f func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(createConcurrency)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return f(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
