//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/testpeers/rabbitmq"
)

// TestRabbitMQScalesZeroToNAndBack runs the rabbitmq trigger in the adapter
// against a real RabbitMQ broker, with the activator and the real HPA
// controller: a Deployment goes 0 → 1 → n → 1 → 0 as messages arrive in
// and leave a queue. The trigger is what `sluice deploy` writes for a
// Functions rabbitMQTrigger (queueName and hostFromEnv naming the
// connection string setting, read from the Deployment's environment). A
// second object with a wrong password shows the failure in status, and no
// password reaches status or the adapter's log.
func TestRabbitMQScalesZeroToNAndBack(t *testing.T) {
	ctx := context.Background()
	broker := rabbitmq.New(t)
	ch := rabbitChannel(t, broker)
	if _, err := ch.QueueDeclare("orders", true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}

	ns := namespace(t)
	const wrong = "not-the-password-9f3a"
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "rabbit"}, StringData: map[string]string{
		"connection": broker.AMQPURL("/"), "wrongPassword": wrong,
	}}
	if _, err := cluster.Client.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env := corev1.EnvVar{Name: "RabbitMQConnection", ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "rabbit"}, Key: "connection"},
	}}
	createDeployment(t, ns, "worker", 0, env)
	createDeployment(t, ns, "wrong", 1, env, corev1.EnvVar{Name: "RabbitMQUser", Value: rabbitmq.User})
	keda := kedaClient(t).KedaV1alpha1()
	createSecretAuth(t, ns, "wrong-password", v1alpha1.AuthSecretTargetRef{Parameter: "password", Name: "rabbit", Key: "wrongPassword"})
	a := startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)

	rabbitObject := func(name string, mutate func(*v1alpha1.ScaleTriggers)) *v1alpha1.ScaledObject {
		so := scalingObject(ns, name, "", func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "rabbitmq", Metadata: map[string]string{
				"queueName": "orders", "hostFromEnv": "RabbitMQConnection", "mode": "QueueLength", "value": "5",
			}}}
		})
		if mutate != nil {
			mutate(&so.Spec.Triggers[0])
		}
		return so
	}
	objects := []*v1alpha1.ScaledObject{
		rabbitObject("worker", nil),
		rabbitObject("wrong", func(tr *v1alpha1.ScaleTriggers) {
			// The username from the Deployment's environment, a wrong
			// password from the TriggerAuthentication.
			tr.Metadata["usernameFromEnv"] = "RabbitMQUser"
			tr.AuthenticationRef = &v1alpha1.AuthenticationRef{Name: "wrong-password"}
		}),
	}
	for _, so := range objects {
		if _, err := keda.ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	replicas := func() int32 { return deploymentReplicas(t, ns, "worker") }

	eventually(t, phase, "the HPA exists", func() error {
		_, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-worker", metav1.GetOptions{})
		return err
	})
	holdReplicas(t, 3*time.Second, "empty queue: idle at 0", 0, ns, "worker")
	publishN(t, ch, "orders", 3)
	waitReplicas(t, phase, "3 messages: activated to 1", 1, replicas)
	publishN(t, ch, "orders", 39)
	waitReplicas(t, phase, "42 messages: the HPA scales to ceil(42/5)", 9, replicas)
	// Drained to two messages: still active, so the HPA's floor of 1
	// holds; then empty: the activator takes it to 0 after the cooldown.
	if _, err := ch.QueuePurge("orders", false); err != nil {
		t.Fatal(err)
	}
	publishN(t, ch, "orders", 2)
	waitReplicas(t, phase, "2 messages left: the HPA scales back to 1", 1, replicas)
	if _, err := ch.QueuePurge("orders", false); err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, phase, "queue empty: deactivated to 0 after the cooldown", 0, replicas)

	eventually(t, phase, "wrong password in status", func() error {
		so, err := keda.ScaledObjects(ns).Get(ctx, "wrong", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if len(so.Status.Triggers) != 1 || !strings.Contains(so.Status.Triggers[0].LastError, "username or password not allowed") {
			return fmt.Errorf("triggers = %+v, want the broker's refusal", so.Status.Triggers)
		}
		if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionUnknown {
			return fmt.Errorf("Active = %+v, want Unknown", c)
		}
		return nil
	})
	holdReplicas(t, 3*time.Second, "failing trigger holds its target", 1, ns, "wrong")

	secrets := map[string]string{"the password": broker.Password, "the wrong password": wrong}
	a.stopExpectingNoSecrets(t, secrets)
	for _, so := range objects {
		got, err := keda.ScaledObjects(ns).Get(ctx, so.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		status := fmt.Sprintf("%+v", got.Status)
		for name, pw := range secrets {
			if strings.Contains(status, pw) {
				t.Errorf("status of %s holds %s", so.Name, name)
			}
		}
	}
}

// rabbitChannel returns a channel to broker's default vhost, closed in
// t.Cleanup.
func rabbitChannel(t *testing.T, broker *rabbitmq.Broker) *amqp.Channel {
	t.Helper()
	ch := broker.Channel(t, "/")
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	return ch
}

// publishN publishes n persistent messages to queue and waits for the
// broker's confirms.
func publishN(t *testing.T, ch *amqp.Channel, queue string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range n {
		c, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, false, false,
			amqp.Publishing{DeliveryMode: amqp.Persistent, Body: []byte(fmt.Sprint(i))})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := c.WaitContext(ctx); err != nil || !ok {
			t.Fatalf("publish %d: confirmed %v, %v", i, ok, err)
		}
	}
}
