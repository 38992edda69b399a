//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// invalidKind is one way a ScaledObject can be wrong, and the Ready reason
// the activator must give it.
type invalidKind struct {
	name   string
	reason string
	mutate func(so *v1alpha1.ScaledObject)
}

func invalidKinds() []invalidKind {
	trigger := func(typ string, md map[string]string) func(*v1alpha1.ScaledObject) {
		return func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: typ, Metadata: md}}
		}
	}
	return []invalidKind{
		{"bad-metadata", "InvalidTrigger", trigger("metrics-api", map[string]string{"url": "http://127.0.0.1:1/v", "valueLocation": "value", "targetValue": "lots"})},
		{"unknown-type", "InvalidTrigger", trigger("no-such-trigger", map[string]string{})},
		{"missing-auth", "InvalidTrigger", func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers[0].AuthenticationRef = &v1alpha1.AuthenticationRef{Name: "nope"}
		}},
		{"missing-secret-key", "InvalidTrigger", func(so *v1alpha1.ScaledObject) {
			so.Spec.Triggers[0].AuthenticationRef = &v1alpha1.AuthenticationRef{Name: "wrong-key"}
		}},
		{"long-value-location", "InvalidTrigger", trigger("metrics-api", map[string]string{"url": "http://127.0.0.1:1/v", "valueLocation": strings.Repeat("a", 1200), "targetValue": "5"})},
		{"cpu-only-to-zero", "InvalidTrigger", trigger("cpu", map[string]string{"value": "50"})},
		{"target-missing", "TargetNotFound", func(so *v1alpha1.ScaledObject) { so.Spec.ScaleTargetRef.Name = "no-such-deployment" }},
		{"long-hpa-name", "InvalidHPAName", func(so *v1alpha1.ScaledObject) {
			so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: strings.Repeat("h", 254)}}
		}},
	}
}

// TestFaultInvalidObjectsBesideAValidOne: ScaledObjects broken in every
// way sit next to a valid one. Nothing crashes, the valid one still scales
// from 0, and every invalid one gets Ready=False with its reason.
func TestFaultInvalidObjectsBesideAValidOne(t *testing.T) {
	const copies = 3
	ctx := context.Background()
	w := newWorker(t, 0, 0)
	if _, err := cluster.Client.CoreV1().Secrets(w.ns).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "creds"}, StringData: map[string]string{"other": "s3cret-value"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	createSecretAuth(t, w.ns, "wrong-key", v1alpha1.AuthSecretTargetRef{Parameter: "token", Name: "creds", Key: "token"})
	want := map[string]string{}
	created := time.Now()
	for _, k := range invalidKinds() {
		for i := range copies {
			name := fmt.Sprintf("%s-%d", k.name, i)
			createDeployment(t, w.ns, name, 1)
			so := scalingObject(w.ns, name, w.src.URL, k.mutate, func(so *v1alpha1.ScaledObject) {
				so.Spec.PollingInterval = ptr.To[int32](5)
			})
			if _, err := w.objects.Create(ctx, so, metav1.CreateOptions{}); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			want[name] = k.reason
		}
	}

	eventually(t, phase, "every invalid ScaledObject Ready=False with its reason", func() error {
		list, err := w.objects.List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		var wrong []string
		for _, so := range list.Items {
			reason, ok := want[so.Name]
			if !ok {
				continue
			}
			c := so.Status.Condition(v1alpha1.ConditionReady)
			if c == nil || c.Status != metav1.ConditionFalse || c.Reason != reason || c.Message == "" {
				wrong = append(wrong, fmt.Sprintf("%s: %+v, want %s", so.Name, c, reason))
			}
		}
		if len(wrong) > 0 {
			return fmt.Errorf("%d of %d: %s", len(wrong), len(want), wrong[0])
		}
		return nil
	})
	settled := time.Since(created)

	w.src.set(3)
	activating := time.Now()
	waitReplicas(t, phase, "the valid object activated from 0", 1, w.replicas)
	t.Logf("FIGURE invalid-objects: %d invalid ScaledObjects of %d kinds all Ready=False with their reason %.1fs after creation; the valid one went 0 -> 1 %.1fs after its source turned active",
		len(want), len(invalidKinds()), settled.Seconds(), time.Since(activating).Seconds())
	if w.adapter.Exited() {
		t.Fatal("the adapter exited")
	}
	events, err := cluster.Client.CoreV1().Events(w.ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events.Items {
		if strings.Contains(e.Message, "s3cret-value") {
			t.Errorf("event %s/%s shows the secret", e.Reason, e.InvolvedObject.Name)
		}
	}
}
