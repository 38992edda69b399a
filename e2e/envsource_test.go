//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestEnvSourceChangeReResolves: a trigger reads targetValue from the scale
// target's environment (targetValueFromEnv). Changing the Deployment's pod
// template re-resolves the trigger through the adapter's watch of the
// target, long before the 10-minute resync: the new target shows in status.
func TestEnvSourceChangeReResolves(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	startAdapter(t, "--watch-namespace="+ns)
	src := newValueServer(t, 1)
	createDeployment(t, ns, "worker", 1, corev1.EnvVar{Name: "TARGET", Value: "5"})
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	so := metricsAPIObject(ns, "worker", src.URL, func(so *v1alpha1.ScaledObject) {
		m := so.Spec.Triggers[0].Metadata
		delete(m, "targetValue")
		m["targetValueFromEnv"] = "TARGET"
	})
	if _, err := objects.Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	targetIs := func(want string) func() error {
		return func() error {
			so, err := objects.Get(ctx, "worker", metav1.GetOptions{})
			if err != nil {
				return err
			}
			if len(so.Status.Triggers) != 1 || so.Status.Triggers[0].Target != want {
				return fmt.Errorf("status.triggers = %+v, want target %s", so.Status.Triggers, want)
			}
			return nil
		}
	}
	eventually(t, phase, "the target from the environment in status", targetIs("5"))

	deployments := cluster.Client.AppsV1().Deployments(ns)
	eventually(t, phase, "the pod template's TARGET changed", func() error {
		d, err := deployments.Get(ctx, "worker", metav1.GetOptions{})
		if err != nil {
			return err
		}
		d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "TARGET", Value: "7"}}
		_, err = deployments.Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	changed := time.Now()
	// The resync is 10 minutes: only the watch can make this.
	eventually(t, 30*time.Second, "the new target in status", targetIs("7"))
	t.Logf("FIGURE env source: a changed pod template re-resolved in %.1fs (polling interval 1s, resync 10m)", time.Since(changed).Seconds())
}
