//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/testpeers/azurite"
)

// TestAzureQueueThroughTheAdapter runs the azure-queue trigger inside the
// adapter against a real Azurite: the connection string comes from the
// Deployment's environment (a secretKeyRef), the queue length is served
// through kube-apiserver, and a missing queue and a wrong key show up in
// status without the key ever reaching the adapter's log.
func TestAzureQueueThroughTheAdapter(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	az := azurite.New(t, azurite.Options{NoBlob: true, InMemory: true})
	svc, err := azqueue.NewServiceClientFromConnectionString(az.ConnectionString(), nil)
	if err != nil {
		t.Fatal(err)
	}
	q := svc.NewQueueClient("jobs")
	if _, err := q.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		if _, err := q.EnqueueMessage(ctx, fmt.Sprintf("job %d", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	wrongKey := randomKey(t)
	secrets := cluster.Client.CoreV1().Secrets(ns)
	for name, conn := range map[string]string{"storage": az.ConnectionString(), "wrong": az.ConnectionStringWithKey(wrongKey)} {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: map[string]string{"connection": conn}}
		if _, err := secrets.Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	createDeployment(t, ns, "worker", 0, corev1.EnvVar{Name: "STORAGE", ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "storage"}, Key: "connection"},
	}})
	keda := kedaClient(t).KedaV1alpha1()
	createSecretAuth(t, ns, "wrong-key", v1alpha1.AuthSecretTargetRef{Parameter: "connection", Name: "wrong", Key: "connection"})
	a := startAdapter(t, "--watch-namespace="+ns)

	queueObject := func(name, queue string, mutate func(*v1alpha1.ScaleTriggers)) *v1alpha1.ScaledObject {
		so := metricsAPIObject(ns, name, "", func(so *v1alpha1.ScaledObject) {
			so.Spec.ScaleTargetRef.Name = "worker"
			so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "azure-queue", Metadata: map[string]string{
				"queueName": queue, "connectionFromEnv": "STORAGE",
			}}}
		})
		if mutate != nil {
			mutate(&so.Spec.Triggers[0])
		}
		return so
	}
	objects := []*v1alpha1.ScaledObject{
		queueObject("jobs", "jobs", nil),
		queueObject("missing", "nope", nil),
		queueObject("wrong-key", "jobs", func(tr *v1alpha1.ScaleTriggers) {
			delete(tr.Metadata, "connectionFromEnv")
			tr.AuthenticationRef = &v1alpha1.AuthenticationRef{Name: "wrong-key"}
		}),
	}
	for _, so := range objects {
		if _, err := keda.ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	eventually(t, 20*time.Second, "7 messages served through kube-apiserver", servedIs(ctx, t, ns, "s0-azure-queue-jobs", "jobs", "7"))
	lastError := func(name, want string) func() error {
		return func() error {
			so, err := keda.ScaledObjects(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if len(so.Status.Triggers) != 1 || !strings.Contains(so.Status.Triggers[0].LastError, want) {
				return fmt.Errorf("triggers = %+v, want an error containing %q", so.Status.Triggers, want)
			}
			if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionUnknown {
				return fmt.Errorf("Active = %+v, want Unknown", c)
			}
			return nil
		}
	}
	eventually(t, 20*time.Second, "missing queue in status", lastError("missing", "404 QueueNotFound"))
	eventually(t, 20*time.Second, "wrong key in status", lastError("wrong-key", "authentication failed"))
	if a.Exited() {
		t.Fatal("the adapter exited")
	}

	a.stopExpectingNoSecrets(t, map[string]string{"the wrong key": wrongKey, "the account key": azurite.AccountKey})
	for _, so := range objects {
		got, err := keda.ScaledObjects(ns).Get(ctx, so.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s := fmt.Sprintf("%+v", got.Status); strings.Contains(s, wrongKey) || strings.Contains(s, azurite.AccountKey) {
			t.Errorf("status of %s holds a key", so.Name)
		}
	}
}

// randomKey returns a well-formed storage account key that is not the
// emulator's.
func randomKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
