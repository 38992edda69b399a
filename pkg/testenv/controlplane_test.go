//go:build integration

package testenv

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
)

// TestControlPlane starts a control plane with the controller manager,
// creates a Deployment, scales it through /scale, sees the ReplicaSet
// controller follow, stops, and checks that no process and no directory
// remains.
func TestControlPlane(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cp, err := Start(ctx, Options{ControllerManager: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(cp.Stop)

	deployments := cp.Client.AppsV1().Deployments(metav1.NamespaceDefault)
	labels := map[string]string{"app": "web"}
	_, err = deployments.Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "example.invalid/web"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	_, err = deployments.UpdateScale(ctx, "web", &autoscalingv1.Scale{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: metav1.NamespaceDefault},
		Spec:       autoscalingv1.ScaleSpec{Replicas: 3},
	}, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update scale: %v", err)
	}
	scale, err := deployments.GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil || scale.Spec.Replicas != 3 {
		t.Fatalf("GetScale = %v, %v; want 3 replicas", scale, err)
	}
	// The Deployment controller in kube-controller-manager creates a
	// ReplicaSet for 3 replicas: the controllers run.
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		rs, err := cp.Client.AppsV1().ReplicaSets(metav1.NamespaceDefault).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
		if err != nil {
			return false, err
		}
		return len(rs.Items) == 1 && ptr.Deref(rs.Items[0].Spec.Replicas, 0) == 3, nil
	})
	if err != nil {
		t.Fatalf("wait for the ReplicaSet: %v", err)
	}

	pids, dir := cp.PIDs(), cp.Dir
	cp.Stop()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d still exists after Stop (kill 0: %v)", pid, err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("work dir %s remains after Stop (stat: %v)", dir, err)
	}
}

// TestEtcdOnTakenPort gives etcd a client port that another server holds
// and answers /health on, as a racing test's etcd would: the start must
// fail with "address already in use" (so WithFreePorts retries), not take
// the impostor's answer for etcd's.
func TestEtcdOnTakenPort(t *testing.T) {
	impostor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"health":"true"}`))
	}))
	defer impostor.Close()
	taken := impostor.Listener.Addr().(*net.TCPAddr).Port
	binDir, err := resolveBinDir(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	cp := &ControlPlane{Dir: t.TempDir()}
	defer cp.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err = cp.startEtcdOn(ctx, binDir, time.Minute, taken, ports[0])
	if !AddrInUse(err) {
		t.Fatalf("etcd on a taken port: %v, want address in use", err)
	}
	if len(cp.procs) != 0 {
		t.Errorf("the failed etcd is kept as a component")
	}
}
