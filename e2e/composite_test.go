//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// compositeOf names the worker's trigger "a" and adds a second metrics-api
// trigger "b" reading b, without a targetValue of its own as KEDA's example
// writes it, combined by formula with the given target and activation
// target.
func compositeOf(b *valueServer, formula, target, activation string) func(*v1alpha1.ScaledObject) {
	return func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers[0].Name = "a"
		so.Spec.Triggers = append(so.Spec.Triggers, v1alpha1.ScaleTriggers{
			Type: "metrics-api", Name: "b",
			Metadata: map[string]string{"url": b.URL, "valueLocation": "value"},
		})
		so.Spec.Advanced = &v1alpha1.AdvancedConfig{ScalingModifiers: v1alpha1.ScalingModifiers{
			Formula: formula, Target: target, ActivationTarget: activation}}
	}
}

// compositeValue reads composite-metric through kube-apiserver, as the HPA
// does.
func compositeValue(t *testing.T, w *worker) (string, error) {
	t.Helper()
	list, err := externalMetric(context.Background(), t, w.ns, composite.MetricName, "worker")
	if err != nil {
		return "", err
	}
	if len(list.Items) != 1 {
		return "", fmt.Errorf("%d values", len(list.Items))
	}
	return list.Items[0].Value.String(), nil
}

// TestCompositeScalesOnFormula: two triggers combined by a formula drive
// the real HPA controller through the one composite metric: 0 → 1 only
// when the composite passes its activation target (each trigger alone is
// active earlier), 1 → n at ceil(composite / target), held while a trigger
// the formula reads fails, back to 1 and to 0.
func TestCompositeScalesOnFormula(t *testing.T) {
	ctx := context.Background()
	b := newValueServer(t, 0)
	w := newWorker(t, 0, 0, compositeOf(b, "a + b", "5", "3"))

	w.src.set(1)
	b.set(2)
	eventually(t, phase, "composite-metric is a + b", func() error {
		v, err := compositeValue(t, w)
		if err == nil && v != "3" {
			err = fmt.Errorf("value %s, want 3", v)
		}
		return err
	})
	w.waitObject("Active=False at the activation target", func(so *v1alpha1.ScaledObject) error {
		if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionFalse {
			return fmt.Errorf("Active = %+v", c)
		}
		if !so.Status.TriggersActivity["s0-metric-api-value"].IsActive || !so.Status.TriggersActivity["s1-metric-api-value"].IsActive {
			return fmt.Errorf("triggersActivity = %v, want both triggers active on their own", so.Status.TriggersActivity)
		}
		return nil
	})
	w.holdReplicas(3*time.Second, "composite 3 is not above activationTarget 3", 0)

	b.set(3)
	waitReplicas(t, phase, "activated to 1 by the composite", 1, w.replicas)
	w.src.set(20)
	b.set(22)
	waitReplicas(t, phase, "the HPA scales to ceil((20+22)/5)", 9, w.replicas)

	hpa, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(w.ns).Get(ctx, "keda-hpa-worker", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m := hpa.Spec.Metrics; len(m) != 1 || m[0].External == nil || m[0].External.Metric.Name != composite.MetricName ||
		m[0].External.Target.Type != autoscalingv2.AverageValueMetricType || m[0].External.Target.AverageValue.String() != "5" {
		t.Fatalf("HPA metrics = %+v, want composite-metric alone with AverageValue 5", m)
	}

	eventually(t, phase, "sluice status shows the composite", func() error {
		r := sluiceCLI(t, cluster, "status", "-n", w.ns, "-o", "json")
		var out struct {
			Items []struct {
				Triggers []struct{ Type, Metric, Value, Target string }
			}
		}
		if r.err != nil {
			return r.err
		}
		if err := json.Unmarshal([]byte(r.out), &out); err != nil {
			return err
		}
		for _, it := range out.Items {
			for _, tr := range it.Triggers {
				if tr.Metric == composite.MetricName && tr.Type == "scalingModifiers" && tr.Value == "42" && tr.Target == "5" {
					return nil
				}
			}
		}
		return fmt.Errorf("no composite row with 42/5 in %s", r.out)
	})

	b.fail.Store(true)
	w.waitObject("a failing trigger makes the composite unknown", func(so *v1alpha1.ScaledObject) error {
		if v, err := compositeValue(t, w); err == nil {
			return fmt.Errorf("composite served %s while trigger b fails", v)
		}
		if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionUnknown || !strings.Contains(c.Message, `"b"`) {
			return fmt.Errorf("Active = %+v, want Unknown naming trigger b", c)
		}
		return nil
	})
	w.holdReplicas(5*time.Second, "held while the composite is unknown", 9)
	b.fail.Store(false)

	history := recordReplicas(t, w.ns, "worker") // the floor may last an instant: see TestActivatorScalesZeroToNAndBack
	w.src.set(0)
	b.set(0)
	history.waitPassedThrough(t, phase, "the HPA scales back to 1, then the activator to 0 after the cooldown", 1, 0)
	waitReplicas(t, phase, "deactivated to 0 after the cooldown", 0, w.replicas)

	so, err := w.object()
	if err != nil {
		t.Fatal(err)
	}
	if so.Status.CompositeScalerName != composite.MetricName || len(so.Status.ExternalMetricNames) != 2 {
		t.Fatalf("compositeScalerName %q, externalMetricNames %v", so.Status.CompositeScalerName, so.Status.ExternalMetricNames)
	}
	for metric, h := range so.Status.Health {
		if h.Status != v1alpha1.HealthStatusHappy || h.NumberOfFailures == nil || *h.NumberOfFailures != 0 {
			t.Errorf("health[%s] = %+v, want Happy with 0 failures", metric, h)
		}
	}
}

// TestCompositeInvalid: a formula without a target is refused by the CRD;
// one naming no trigger is stored but leaves the object Ready=False with
// the reason naming the field, and nothing is scaled.
func TestCompositeInvalid(t *testing.T) {
	ctx := context.Background()
	b := newValueServer(t, 0)
	w := newWorker(t, 7, 0, compositeOf(b, "a + nope", "5", ""))

	noTarget := scalingObject(w.ns, "no-target", b.URL, compositeOf(b, "a + b", "", ""))
	if _, err := w.objects.Create(ctx, noTarget, metav1.CreateOptions{}); err == nil || !strings.Contains(err.Error(), "scalingModifiers.target is required") {
		t.Fatalf("create without target: %v, want the CRD to refuse it", err)
	}

	w.waitObject("Ready=False naming the formula", func(so *v1alpha1.ScaledObject) error {
		c := so.Status.Condition(v1alpha1.ConditionReady)
		if c == nil || c.Status != metav1.ConditionFalse || c.Reason != "InvalidScalingModifiers" || !strings.Contains(c.Message, composite.FieldFormula) {
			return fmt.Errorf("Ready = %+v", c)
		}
		if a := so.Status.Condition(v1alpha1.ConditionActive); a == nil || a.Status != metav1.ConditionUnknown {
			return fmt.Errorf("Active = %+v, want Unknown", a)
		}
		return nil
	})
	w.holdReplicas(3*time.Second, "an invalid formula scales nothing", 0)
}

// TestCompositeFallback: once a trigger the formula reads has failed
// fallback.failureThreshold times, the composite is served as
// fallback.replicas × target, so the real HPA holds fallback.replicas, and
// the Fallback condition says so; when the source recovers the formula
// takes over again.
func TestCompositeFallback(t *testing.T) {
	b := newValueServer(t, 10)
	w := newWorker(t, 10, 0, compositeOf(b, "a + b", "5", ""), func(so *v1alpha1.ScaledObject) {
		so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3}
	})
	waitReplicas(t, phase, "the HPA scales to (10+10)/5", 4, w.replicas)

	b.fail.Store(true)
	eventually(t, phase, "the composite serves the fallback", func() error {
		v, err := compositeValue(t, w)
		if err == nil && v != "15" {
			err = fmt.Errorf("value %s, want 3 × 5", v)
		}
		return err
	})
	waitReplicas(t, phase, "the HPA holds fallback.replicas", 3, w.replicas)
	waitFallbackCondition(t, w, "")

	b.fail.Store(false)
	b.set(20)
	waitReplicas(t, phase, "the formula again: (10+20)/5", 6, w.replicas)
}
