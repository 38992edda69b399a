package activity

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestContract writes status the way the adapter does and decides on it
// the way the activator does: only fresh readings at or below each
// trigger's activation threshold let the object go idle.
func TestContract(t *testing.T) {
	inactiveSince := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	written := func(active metav1.ConditionStatus) *v1alpha1.ScaledObject {
		so := &v1alpha1.ScaledObject{}
		so.Status.Triggers = []v1alpha1.TriggerStatus{
			Status(Trigger{Index: 0, Type: "metrics-api", MetricName: "s0-metric-api-value", Target: 5, ActivationTarget: 0.5, Healthy: true}),
			Status(Trigger{Index: 1, Type: "kafka", MetricName: "s1-kafka-orders", Target: 10, Healthy: true}),
		}
		so.Status.Conditions = []v1alpha1.Condition{{Type: v1alpha1.ConditionActive, Status: active, LastTransitionTime: &metav1.Time{Time: inactiveSince}}}
		return so
	}
	metrics := []string{"s0-metric-api-value", "s1-kafka-orders"}
	fresh := inactiveSince.Add(time.Minute)
	read := func(v0, v1 string, at time.Time) map[string]Reading {
		return map[string]Reading{
			"s0-metric-api-value": {Value: resource.MustParse(v0), Timestamp: at},
			"s1-kafka-orders":     {Value: resource.MustParse(v1), Timestamp: fresh},
		}
	}
	tests := []struct {
		name     string
		active   metav1.ConditionStatus
		readings map[string]Reading
		wantErr  string
	}{
		{"fresh and at the thresholds", metav1.ConditionFalse, read("500m", "0", fresh), ""},
		{"observed in the same second it turned inactive", metav1.ConditionFalse, read("0", "0", inactiveSince), ""},
		{"above one threshold", metav1.ConditionFalse, read("501m", "0", fresh), "above its activation threshold 500m"},
		{"observed before it turned inactive", metav1.ConditionFalse, read("0", "0", inactiveSince.Add(-time.Second)), "before activity turned inactive"},
		{"a metric not read back", metav1.ConditionFalse, map[string]Reading{"s1-kafka-orders": {Timestamp: fresh}}, "no value read back"},
		{"Active Unknown", metav1.ConditionUnknown, read("0", "0", fresh), "not known to be inactive"},
		{"Active True", metav1.ConditionTrue, read("0", "0", fresh), "not known to be inactive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Idle(written(tt.active), metrics, tt.readings)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Idle = %v, want idle", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Idle = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestQuantity(t *testing.T) {
	tests := map[float64]string{5: "5", 0.5: "500m", 1500: "1500", -3: "0", 1e30: "9223372036854775807m"}
	for in, want := range tests {
		if got := FormatQuantity(in); got != want {
			t.Errorf("FormatQuantity(%v) = %q, want %q", in, got, want)
		}
	}
}
