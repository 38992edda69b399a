//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedav1alpha1 "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/typed/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// startActivator runs sluice-activator against the shared control plane,
// watching ns, and stops it in t.Cleanup.
func startActivator(t *testing.T, ns string) *testenv.Process {
	t.Helper()
	p, _ := startProgram(t, t.TempDir(), "sluice-activator", activatorArgs(ns, "--leader-elect=false"))
	return p
}

// activatorArgs returns sluice-activator's flags for the shared control
// plane, watching ns and logging at debug, followed by extra.
func activatorArgs(ns string, extra ...string) []string {
	return append([]string{"--kubeconfig=" + cluster.Kubeconfig, "--watch-namespace=" + ns, "--log-level=debug"}, extra...)
}

// createDeployment creates a Deployment with the given replicas and
// environment for its container. No kubelet runs, so its pods stay
// Pending; replicas and /scale behave as usual.
func createDeployment(t *testing.T, ns, name string, replicas int32, env ...corev1.EnvVar) {
	t.Helper()
	labels := map[string]string{"app": name}
	tmpl := podTemplate(labels)
	tmpl.Spec.Containers[0].Env = env
	_, err := cluster.Client.AppsV1().Deployments(ns).Create(context.Background(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: tmpl,
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

func podTemplate(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "worker", Image: "example.invalid/worker"}}},
	}
}

// deploymentReplicas returns spec.replicas of a Deployment.
func deploymentReplicas(t *testing.T, ns, name string) int32 {
	t.Helper()
	d, err := cluster.Client.AppsV1().Deployments(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ptr.Deref(d.Spec.Replicas, 1)
}

// waitReplicas waits until read returns want.
func waitReplicas(t *testing.T, timeout time.Duration, what string, want int32, read func() int32) {
	t.Helper()
	eventually(t, timeout, what, func() error {
		if got := read(); got != want {
			return fmt.Errorf("replicas = %d, want %d", got, want)
		}
		return nil
	})
}

// holdReplicas fails unless the replicas of the Deployment ns/name are
// want now and stay want for the whole of d, in every change a watch sees:
// a flap shorter than any polling interval still fails the test.
func holdReplicas(t *testing.T, d time.Duration, what string, want int32, ns, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for r := range replicaChanges(ctx, t, ns, name) {
		if r != want {
			t.Fatalf("%s: replicas = %d, want them held at %d", what, r, want)
		}
	}
}

// holdReplicas is holdReplicas of the worker Deployment.
func (w *worker) holdReplicas(d time.Duration, what string, want int32) {
	w.t.Helper()
	holdReplicas(w.t, d, what, want, w.ns, "worker")
}

// worker is the fixture of the activator tests: a Deployment "worker" in a
// namespace of its own, scaled by a ScaledObject "worker" (scalingObject)
// on a metrics-api trigger reading src, with an adapter and an activator
// watching that namespace.
type worker struct {
	t       *testing.T
	ns      string
	src     *valueServer
	adapter *adapter
	objects kedav1alpha1.ScaledObjectInterface
}

// newWorker starts the fixture with the source at value and the Deployment
// at replicas, and creates the ScaledObject with mutate applied.
func newWorker(t *testing.T, value float64, replicas int32, mutate ...func(*v1alpha1.ScaledObject)) *worker {
	t.Helper()
	ns := namespace(t)
	w := &worker{t: t, ns: ns, adapter: startAdapter(t, "--watch-namespace="+ns), src: newValueServer(t, value)}
	startActivator(t, ns)
	createDeployment(t, ns, "worker", replicas)
	w.objects = kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	if _, err := w.objects.Create(context.Background(), scalingObject(ns, "worker", w.src.URL, mutate...), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// replicas returns the Deployment's spec.replicas.
func (w *worker) replicas() int32 { return deploymentReplicas(w.t, w.ns, "worker") }

// object returns the ScaledObject as stored.
func (w *worker) object() (*v1alpha1.ScaledObject, error) {
	return w.objects.Get(context.Background(), "worker", metav1.GetOptions{})
}

// waitObject waits until check returns nil for the ScaledObject as stored.
func (w *worker) waitObject(what string, check func(so *v1alpha1.ScaledObject) error) {
	w.t.Helper()
	eventually(w.t, phase, what, func() error {
		so, err := w.object()
		if err != nil {
			return err
		}
		return check(so)
	})
}

// waitActive waits until the worker's Active condition has status want.
func waitActive(t *testing.T, w *worker, want metav1.ConditionStatus) {
	t.Helper()
	waitObjectActive(t, w.ns, "worker", want)
}

// newCoolingWorker starts the fixture with the source at 3 and the given
// cooldown (seconds), waits for the activation to 1 and then, with the
// source at 0, for Active=False: the cooldown has just begun and the
// target is still at 1.
func newCoolingWorker(t *testing.T, cooldown int32) *worker {
	t.Helper()
	w := newWorker(t, 3, 0, func(so *v1alpha1.ScaledObject) { so.Spec.CooldownPeriod = ptr.To(cooldown) })
	waitReplicas(t, phase, "activated to 1", 1, w.replicas)
	w.src.set(0)
	waitActive(t, w, metav1.ConditionFalse)
	return w
}
