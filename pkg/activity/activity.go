// Package activity is the status contract between sluice-adapter, which
// writes each ScaledObject's activity, and sluice-activator, which reads it
// to move the target between zero and one. Both sides use this package, so
// the fields they exchange are written and read in one place:
//
//   - the Active condition: True while any trigger is active, False when
//     every trigger is known to be inactive, Unknown otherwise;
//   - per trigger (status.triggers): the metric name, the HPA target and
//     the activation threshold as quantities, and whether it is active and
//     healthy;
//   - with spec.advanced.scalingModifiers, the composite metric
//     (composite.MetricName) stands for the triggers: Active is the
//     composite against scalingModifiers.activationTarget, and the
//     activator reads back that one metric for evidence of idleness;
//   - status.triggersActivity, status.authenticationsTypes (adapter) and
//     status.compositeScalerName (activator) are for KEDA users and tools;
//     neither program reads them;
//   - when each value was last observed: the timestamp of the value the
//     metrics API serves, which is the time of the source's last
//     successful poll.
//
// Status is written only when it changes, so the Active condition alone
// is not fresh evidence. Idle decides whether an object may go idle from
// the condition and values read back through the metrics API now.
package activity

import (
	"fmt"
	"math"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// Trigger is what the adapter knows of one polled trigger.
type Trigger struct {
	Index            int
	Name, Type       string
	MetricName       string
	Target           float64
	ActivationTarget float64
	Active, Healthy  bool
	Failures         int
	LastError        string
	Warning          string
}

// Status is the status.triggers entry of t, as the adapter writes it.
func Status(t Trigger) v1alpha1.TriggerStatus {
	return v1alpha1.TriggerStatus{
		MetricName: t.MetricName, Index: int32(t.Index), Name: t.Name, Type: t.Type,
		Target: FormatQuantity(t.Target), ActivationTarget: FormatQuantity(t.ActivationTarget),
		Active: t.Active, Healthy: t.Healthy, NumberOfFailures: int32(min(t.Failures, math.MaxInt32)),
		LastError: t.LastError, Warning: t.Warning,
	}
}

// Quantity converts v to a quantity with milli precision, the form the
// metrics API serves and the HPA targets: NaN, ±Inf and negative values
// become 0, values too large for int64 millis saturate.
func Quantity(v float64) resource.Quantity {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return *resource.NewMilliQuantity(0, resource.DecimalSI)
	}
	m := math.Round(v * 1000)
	if m >= float64(math.MaxInt64) {
		return *resource.NewMilliQuantity(math.MaxInt64, resource.DecimalSI)
	}
	return *resource.NewMilliQuantity(int64(m), resource.DecimalSI)
}

// FormatQuantity is Quantity(v) as a string.
func FormatQuantity(v float64) string {
	q := Quantity(v)
	return q.String()
}

// Reading is one metric value read back through the metrics API.
type Reading struct {
	Value resource.Quantity
	// Timestamp is when the source was last polled successfully.
	Timestamp time.Time
}

// Idle returns nil when so may go idle on the evidence of readings (by
// metric name, read just now through the metrics API): Active is False,
// and for every metric a value was read that was observed after Active
// turned False (so at least one poll since confirms it) and is at or below
// its activation threshold: the trigger's in status.triggers, or for
// composite.MetricName spec.advanced.scalingModifiers.activationTarget.
// Otherwise it says what is missing: a stale Active=False never passes.
func Idle(so *v1alpha1.ScaledObject, metrics []string, readings map[string]Reading) error {
	active := so.Status.Condition(v1alpha1.ConditionActive)
	if active == nil || active.Status != metav1.ConditionFalse {
		return fmt.Errorf("activity is not known to be inactive")
	}
	var since time.Time
	if active.LastTransitionTime != nil {
		since = active.LastTransitionTime.Time
	}
	byName := make(map[string]*v1alpha1.TriggerStatus, len(so.Status.Triggers))
	for i := range so.Status.Triggers {
		byName[so.Status.Triggers[i].MetricName] = &so.Status.Triggers[i]
	}
	for _, name := range metrics {
		threshold, err := activationThreshold(so, name, byName[name])
		if err != nil {
			return err
		}
		r, ok := readings[name]
		if !ok {
			return fmt.Errorf("metric %s: no value read back", name)
		}
		if r.Timestamp.Before(since) {
			return fmt.Errorf("metric %s: last observed %s, before activity turned inactive at %s", name,
				r.Timestamp.UTC().Format(time.RFC3339), since.UTC().Format(time.RFC3339))
		}
		if r.Value.Cmp(threshold) > 0 {
			return fmt.Errorf("metric %s: value %s is above its activation threshold %s", name, r.Value.String(), threshold.String())
		}
	}
	return nil
}

func defaultZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// activationThreshold is the activation threshold of metric name: the
// composite metric's from the spec, a trigger's from its status entry ts.
func activationThreshold(so *v1alpha1.ScaledObject, name string, ts *v1alpha1.TriggerStatus) (resource.Quantity, error) {
	if name == composite.MetricName && composite.Used(&so.Spec) {
		f, err := composite.Compile(&so.Spec)
		if err != nil {
			return resource.Quantity{}, fmt.Errorf("metric %s: %w", name, err)
		}
		return Quantity(f.ActivationTarget), nil
	}
	if ts == nil {
		return resource.Quantity{}, fmt.Errorf("metric %s: not in status.triggers", name)
	}
	threshold, err := resource.ParseQuantity(defaultZero(ts.ActivationTarget))
	if err != nil {
		return resource.Quantity{}, fmt.Errorf("metric %s: activation threshold %q is not a quantity", name, ts.ActivationTarget)
	}
	return threshold, nil
}
