package activator

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestBrokenTriggerDoesNotBlockOthers: a trigger the adapter has not
// reported, or reported invalid, is left out of the HPA; the working
// trigger still gets its HPA and activates the target from 0; the broken
// one is reported on Ready.
func TestBrokenTriggerDoesNotBlockOthers(t *testing.T) {
	tests := []struct {
		name       string
		broken     *v1alpha1.TriggerStatus // nil: not reported yet
		wantReason string
	}{
		{"not reported yet", nil, ReasonWaitingForAdapter},
		{"invalid", &v1alpha1.TriggerStatus{MetricName: "s1-kafka", Index: 1, Type: "kafka", LastError: `trigger 1 (kafka): parameter "lagThreshold": want a number`}, ReasonInvalidTrigger},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.objects = append(f.objects, scaledObject("so", active, func(so *v1alpha1.ScaledObject) {
				so.Spec.Triggers = append(so.Spec.Triggers, v1alpha1.ScaleTriggers{Type: "kafka"})
				if tt.broken != nil {
					so.Status.Triggers = append(so.Status.Triggers, *tt.broken)
				}
			}))
			f.replicas["deployments/web"] = 0
			f.run("so")
			f.expectWrites("apply horizontalpodautoscalers keda-hpa-so", "apply scaledobjects/status so", "update deployments/scale web=1")
			if m := f.appliedHPA().Spec.Metrics; len(m) != 1 || m[0].External.Metric.Name != "s0-rabbitmq-orders" {
				t.Errorf("HPA metrics = %+v, want the working trigger only", m)
			}
			st := f.appliedStatus()
			expectReady(t, st, metav1.ConditionFalse, tt.wantReason)
			if c := st.Condition(v1alpha1.ConditionReady); c != nil && !strings.Contains(c.Message, "trigger 1 (kafka)") {
				t.Errorf("Ready message %q does not name the broken trigger", c.Message)
			}
		})
	}
}

// TestOnlyBrokenTriggersBlock: with no trigger that can be built there is
// no HPA, and Ready says why.
func TestOnlyBrokenTriggersBlock(t *testing.T) {
	f := newFixture(t)
	f.runSO(1, func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = []v1alpha1.ScaleTriggers{{Type: "kafka"}}
		so.Status.Triggers = nil
	})
	f.expectNotReady(ReasonWaitingForAdapter)
	if ev := f.events(); len(ev) != 1 || !strings.HasPrefix(ev[0], "Warning "+ReasonWaitingForAdapter) {
		t.Errorf("events = %q", ev)
	}
}

// TestInvalidHPAName: an HPA name the API server would refuse on every
// apply is reported on Ready, naming the field to fix, with no HPA write.
func TestInvalidHPAName(t *testing.T) {
	tests := []struct {
		name      string
		mod       soMod
		wantField string
	}{
		{"keda-hpa- prefix past 253", func(so *v1alpha1.ScaledObject) { so.Name = strings.Repeat("a", 250) }, "horizontalPodAutoscalerConfig.name"},
		{"explicit name invalid", func(so *v1alpha1.ScaledObject) {
			so.Spec.Advanced = &v1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &v1alpha1.HorizontalPodAutoscalerConfig{Name: "Not_Valid"}}
		}, "advanced.horizontalPodAutoscalerConfig.name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			so := scaledObject("so", tt.mod)
			f.objects = append(f.objects, so)
			f.replicas["deployments/web"] = 1
			f.run(so.Name)
			f.expectWrites("apply scaledobjects/status " + so.Name)
			st := f.appliedStatus()
			expectReady(t, st, metav1.ConditionFalse, ReasonInvalidHPAName)
			if c := st.Condition(v1alpha1.ConditionReady); c == nil || !strings.Contains(c.Message, tt.wantField) {
				t.Errorf("Ready = %+v, want a message naming %s", c, tt.wantField)
			}
		})
	}
}
