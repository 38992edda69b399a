package adapter

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func object(mutate ...func(*v1alpha1.ScaledObject)) *v1alpha1.ScaledObject {
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: "so", Namespace: "ns"},
		Spec: v1alpha1.ScaledObjectSpec{Triggers: []v1alpha1.ScaleTriggers{
			{Type: "metrics-api", Name: "queue"}, {Type: "kafka"}, {Type: "cpu"},
		}},
	}
	for _, m := range mutate {
		m(so)
	}
	return so
}

// trig is a polled, healthy trigger state.
func trig(index int, metric string, value float64, active bool) poll.TriggerState {
	return poll.TriggerState{Index: index, Type: "metrics-api", MetricName: metric, Target: 5, Polled: true, Healthy: true, Value: value, Active: active}
}

func named(t poll.TriggerState, name string) poll.TriggerState {
	t.Name = name
	return t
}

func TestActiveCondition(t *testing.T) {
	failing := trig(1, "s1-kafka-orders", 0, false)
	failing.Healthy, failing.ConsecutiveFailures, failing.LastError = false, 2, "dial tcp: connection refused"
	unpolled := poll.TriggerState{Index: 1, MetricName: "s1-kafka-orders"}
	inFallback := failing
	inFallback.InFallback = true
	withFallback := func(so *v1alpha1.ScaledObject) {
		so.Spec.Fallback = &v1alpha1.Fallback{FailureThreshold: 2, Replicas: 3}
	}
	tests := []struct {
		name       string
		so         *v1alpha1.ScaledObject
		triggers   []poll.TriggerState
		invalid    []invalidTrigger
		wantStatus metav1.ConditionStatus
		wantReason string
		wantMsg    string
	}{
		{"one active", object(), []poll.TriggerState{named(trig(0, "s0-a", 7, true), "queue"), trig(1, "s1-b", 0, false)}, nil, metav1.ConditionTrue, ReasonTriggerActive, `trigger "queue"`},
		{"active beats failing", object(), []poll.TriggerState{failing, trig(0, "s0-a", 7, true)}, nil, metav1.ConditionTrue, ReasonTriggerActive, ""},
		{"all inactive", object(), []poll.TriggerState{trig(0, "s0-a", 0, false), trig(1, "s1-b", 0, false)}, nil, metav1.ConditionFalse, ReasonNoTriggerActive, ""},
		{"failing is unknown, not inactive", object(), []poll.TriggerState{trig(0, "s0-a", 0, false), failing}, nil, metav1.ConditionUnknown, ReasonTriggerFailing, "connection refused"},
		{"not yet polled", object(), []poll.TriggerState{trig(0, "s0-a", 0, false), unpolled}, nil, metav1.ConditionUnknown, ReasonWaitingForPoll, ""},
		{"an invalid trigger keeps it unknown", object(), []poll.TriggerState{trig(0, "s0-a", 0, false)}, []invalidTrigger{{index: 1, typ: "kafka", message: "bad lagThreshold"}}, metav1.ConditionUnknown, ReasonInvalidTrigger, "bad lagThreshold"},
		{"a transient failure without a build is unknown", object(), []poll.TriggerState{trig(0, "s0-a", 0, false)}, []invalidTrigger{{index: 1, typ: "kafka", message: "secret read timed out", transient: true}}, metav1.ConditionUnknown, ReasonTriggerNotResolved, "timed out"},
		{"a transient failure with its last build polled is not", object(), []poll.TriggerState{trig(0, "s0-a", 0, false), trig(1, "s1-b", 0, false)}, []invalidTrigger{{index: 1, typ: "kafka", message: "secret read timed out", transient: true}}, metav1.ConditionFalse, ReasonNoTriggerActive, ""},
		{"fallback of 3 replicas is active", object(withFallback), []poll.TriggerState{inFallback}, nil, metav1.ConditionTrue, ReasonFallbackActive, "3 replicas"},
		{"no external triggers", object(), nil, nil, metav1.ConditionUnknown, ReasonNoExternalTriggers, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := activeCondition(tt.so, tt.triggers, tt.invalid)
			if c.Status != tt.wantStatus || c.Reason != tt.wantReason || !strings.Contains(c.Message, tt.wantMsg) {
				t.Errorf("Active = %s/%s %q, want %s/%s containing %q", c.Status, c.Reason, c.Message, tt.wantStatus, tt.wantReason, tt.wantMsg)
			}
		})
	}
}

func TestDesiredStatus(t *testing.T) {
	state := &poll.ObjectState{Triggers: []poll.TriggerState{trig(0, "s0-metric-api-value", 7, true)}}
	invalid := []invalidTrigger{{index: 1, typ: "kafka", message: `trigger 1 (kafka): parameter "lagThreshold": want a number`}}
	got := desiredStatus(object(), state, invalid, now)

	if got.TriggersTypes != "metrics-api,kafka,cpu" {
		t.Errorf("triggersTypes = %q", got.TriggersTypes)
	}
	if len(got.Triggers) != 2 {
		t.Fatalf("triggers = %+v, want the polled one and the invalid one", got.Triggers)
	}
	if tr := got.Triggers[0]; tr.MetricName != "s0-metric-api-value" || tr.Target != "5" || tr.ActivationTarget != "0" || !tr.Active || !tr.Healthy {
		t.Errorf("trigger 0 = %+v", tr)
	}
	if tr := got.Triggers[1]; tr.MetricName != "s1-kafka" || tr.Healthy || !strings.Contains(tr.LastError, "lagThreshold") {
		t.Errorf("trigger 1 = %+v", tr)
	}
	if h := got.Health["s1-kafka"]; h.Status != v1alpha1.HealthStatusFailing {
		t.Errorf("health of the invalid trigger = %+v", h)
	}
	if got.LastActiveTime == nil || !got.LastActiveTime.Time.Equal(now) {
		t.Errorf("lastActiveTime = %v, want %v on becoming active", got.LastActiveTime, now)
	}
}

func TestUnpolledTriggerIsNotFailing(t *testing.T) {
	state := &poll.ObjectState{Triggers: []poll.TriggerState{{Index: 0, MetricName: "s0-metric-api-value"}}}
	got := desiredStatus(object(), state, nil, now)
	if tr := got.Triggers[0]; !tr.Healthy || tr.Active {
		t.Errorf("unpolled trigger = %+v, want healthy and inactive", tr)
	}
	if c := findCondition(got.Conditions, v1alpha1.ConditionActive); c.Status != metav1.ConditionUnknown || c.Reason != ReasonWaitingForPoll {
		t.Errorf("Active = %+v, want Unknown/%s", c, ReasonWaitingForPoll)
	}
}

// TestDesiredStatusIsStable: computing the status again later, from the
// status just written, changes nothing, so there is no write per poll.
func TestDesiredStatusIsStable(t *testing.T) {
	state := &poll.ObjectState{Triggers: []poll.TriggerState{trig(0, "s0-metric-api-value", 7, true)}}
	so := object()
	first := desiredStatus(so, state, nil, now)
	store(so, first)

	later := state.Triggers[0]
	later.Value = 9 // a new poll with another value, still active
	second := desiredStatus(so, &poll.ObjectState{Triggers: []poll.TriggerState{later}}, nil, now.Add(time.Minute))
	if !second.equal(ownedStatus(&so.Status)) {
		t.Errorf("status changed on an equal outcome:\n%+v\n%+v", first, second)
	}

	inactive := later
	inactive.Active = false
	third := desiredStatus(so, &poll.ObjectState{Triggers: []poll.TriggerState{inactive}}, nil, now.Add(2*time.Minute))
	active := findCondition(third.Conditions, v1alpha1.ConditionActive)
	if active.Status != metav1.ConditionFalse || !active.LastTransitionTime.Time.Equal(now.Add(2*time.Minute)) {
		t.Errorf("Active = %+v, want False since the change", active)
	}
	if !third.LastActiveTime.Time.Equal(now.Add(2 * time.Minute)) {
		t.Errorf("lastActiveTime = %v, want the moment it went inactive", third.LastActiveTime)
	}
}

// store writes s into so's status the way the API server keeps it.
func store(so *v1alpha1.ScaledObject, s adapterStatus) {
	so.Status.Conditions = s.Conditions
	so.Status.Triggers = s.Triggers
	so.Status.Health = s.Health
	so.Status.LastActiveTime = s.LastActiveTime
	so.Status.TriggersTypes = s.TriggersTypes
	so.Status.AuthenticationsTypes = s.AuthTypes
	so.Status.TriggersActivity = s.Activity
}

func TestFormatQuantity(t *testing.T) {
	tests := map[float64]string{5: "5", 0.5: "500m", 1500: "1500", -3: "0", 1e30: "9223372036854775807m"}
	for in, want := range tests {
		if got := formatQuantity(in); got != want {
			t.Errorf("formatQuantity(%v) = %q, want %q", in, got, want)
		}
	}
}
