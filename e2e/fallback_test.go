//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// fallbackCase is one ScaledObject of TestFallbackBehaviors: a Deployment
// at start replicas (3: an AverageValue source at 15 or a Value source at 5
// with target 5; 0: a source at 0), whose source then fails.
type fallbackCase struct {
	name     string
	behavior v1alpha1.FallbackBehavior
	replicas int32 // fallback.replicas
	start    int32
	value    bool // metricType Value
	want     int32
	src      *valueServer
}

// TestFallbackBehaviors runs every fallback behaviour with the real HPA
// controller, from 3 replicas and from 0, for AverageValue and Value
// targets: every source fails at once and each target must land on (or
// hold) the count its behaviour defines, with the adapter serving the
// value that makes the HPA do so.
func TestFallbackBehaviors(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	cases := []*fallbackCase{
		{name: "static-up", behavior: v1alpha1.FallbackStatic, replicas: 6, start: 3, want: 6},
		{name: "static-down", replicas: 2, start: 3, want: 2},
		{name: "current", behavior: v1alpha1.FallbackCurrentReplicas, replicas: 6, start: 3, want: 3},
		{name: "higher-up", behavior: v1alpha1.FallbackCurrentReplicasIfHigher, replicas: 6, start: 3, want: 6},
		{name: "higher-hold", behavior: v1alpha1.FallbackCurrentReplicasIfHigher, replicas: 2, start: 3, want: 3},
		{name: "lower-down", behavior: v1alpha1.FallbackCurrentReplicasIfLower, replicas: 2, start: 3, want: 2},
		{name: "lower-hold", behavior: v1alpha1.FallbackCurrentReplicasIfLower, replicas: 6, start: 3, want: 3},
		{name: "zero-static", behavior: v1alpha1.FallbackStatic, replicas: 4, start: 0, want: 4},
		{name: "zero-current", behavior: v1alpha1.FallbackCurrentReplicas, replicas: 4, start: 0, want: 4},
		{name: "zero-higher", behavior: v1alpha1.FallbackCurrentReplicasIfHigher, replicas: 4, start: 0, want: 4},
		{name: "zero-lower", behavior: v1alpha1.FallbackCurrentReplicasIfLower, replicas: 4, start: 0, want: 4},
		{name: "value-up", replicas: 6, start: 3, value: true, want: 6},
		{name: "value-zero", replicas: 4, start: 0, value: true, want: 4},
	}
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	for _, c := range cases {
		v := 0.0
		switch {
		case c.start > 0 && c.value:
			v = 5
		case c.start > 0:
			v = float64(c.start) * 5
		}
		c.src = newValueServer(t, v)
		createDeployment(t, ns, c.name, c.start)
		so := scalingObject(ns, c.name, c.src.URL, func(so *v1alpha1.ScaledObject) {
			so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: c.replicas, Behavior: c.behavior}
			if c.value {
				so.Spec.Triggers[0].MetricType = autoscalingv2.ValueMetricType
			}
		})
		if _, err := objects.Create(ctx, so, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cases {
		if c.value && c.start > 0 {
			markPodsReady(t, ns, c.name, c.start)
		}
		if c.start > 0 {
			waitHPAReplicas(t, ns, c.name, c.start)
		} else {
			waitObjectActive(t, ns, c.name, metav1.ConditionFalse)
		}
	}
	failed := time.Now()
	for _, c := range cases {
		c.src.fail.Store(true)
	}
	var slowest time.Duration
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			replicas := func() int32 { return deploymentReplicas(t, ns, c.name) }
			waitReplicas(t, phase, fmt.Sprintf("%s from %d with fallback.replicas %d", behaviorName(c.behavior), c.start, c.replicas), c.want, replicas)
			slowest = max(slowest, time.Since(failed))
			waitFallbackServed(t, ns, c)
		})
	}
	t.Logf("FIGURE fallback-behaviors: all %d targets on their fallback counts within %.1fs of the sources failing", len(cases), slowest.Seconds())
	for _, c := range cases {
		t.Run(c.name+"/holds", func(t *testing.T) {
			holdReplicas(t, 2*time.Second, "the fallback holds", c.want, ns, c.name)
		})
	}

	// kedacore/keda#7411: a target scaled to 0 by hand while its trigger
	// falls back is left at 0 by KEDA; here it goes straight back.
	t.Run("scaled to 0 by hand while falling back", func(t *testing.T) {
		deployments := cluster.Client.AppsV1().Deployments(ns)
		scale, err := deployments.GetScale(ctx, "static-up", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		scale.Spec.Replicas = 0
		if _, err := deployments.UpdateScale(ctx, "static-up", scale, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		zeroed := time.Now()
		waitReplicas(t, phase, "back to fallback.replicas", 6, func() int32 { return deploymentReplicas(t, ns, "static-up") })
		t.Logf("FIGURE fallback-manual-zero: back at 6 %.1fs after a scale to 0 by hand", time.Since(zeroed).Seconds())
	})
}

func behaviorName(b v1alpha1.FallbackBehavior) string {
	if b == "" {
		return "static (default)"
	}
	return string(b)
}

// waitHPAReplicas waits until the HPA of the ScaledObject name reports
// want current replicas: the count the fallback behaviours start from.
func waitHPAReplicas(t *testing.T, ns, name string, want int32) {
	t.Helper()
	eventually(t, phase, fmt.Sprintf("HPA of %s at %d current replicas", name, want), func() error {
		hpa, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(context.Background(), "keda-hpa-"+name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if hpa.Status.CurrentReplicas != want || hpa.Status.DesiredReplicas != want {
			return fmt.Errorf("current %d, desired %d", hpa.Status.CurrentReplicas, hpa.Status.DesiredReplicas)
		}
		return nil
	})
}

// waitFallbackServed waits until the object reports Fallback=True and the
// metrics API serves the value that holds c.want replicas: want × target
// for AverageValue, want × target / current for Value (ratio 1 at want).
func waitFallbackServed(t *testing.T, ns string, c *fallbackCase) {
	t.Helper()
	want := fmt.Sprint(c.want * 5)
	if c.value {
		want = "5"
	}
	eventually(t, phase, "Fallback=True and the fallback value served", func() error {
		so, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Get(context.Background(), c.name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cond := so.Status.Condition(v1alpha1.ConditionFallback); cond == nil || cond.Status != metav1.ConditionTrue {
			return fmt.Errorf("Fallback = %+v", cond)
		}
		list, err := externalMetric(context.Background(), t, ns, "s0-metric-api-value", c.name)
		if err != nil {
			return err
		}
		if len(list.Items) != 1 || list.Items[0].Value.String() != want {
			return fmt.Errorf("served %+v, want %s", list.Items, want)
		}
		return nil
	})
}

// markPodsReady waits for n pods of the Deployment name and marks them
// Running and Ready, as a kubelet would: the HPA counts ready pods for
// Value targets.
func markPodsReady(t *testing.T, ns, name string, n int32) {
	t.Helper()
	ctx := context.Background()
	pods := cluster.Client.CoreV1().Pods(ns)
	eventually(t, phase, fmt.Sprintf("%d pods of %s ready", n, name), func() error {
		list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
		if err != nil {
			return err
		}
		ready := int32(0)
		for i := range list.Items {
			p := &list.Items[i]
			if p.Status.Phase != corev1.PodRunning {
				now := metav1.Now()
				p.Status.Phase = corev1.PodRunning
				p.Status.StartTime = &now
				p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}}
				if _, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
					return err
				}
			}
			ready++
		}
		if ready < n {
			return fmt.Errorf("%d of %d pods", ready, n)
		}
		return nil
	})
}
