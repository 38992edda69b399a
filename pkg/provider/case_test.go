package provider

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	clocktesting "k8s.io/utils/clock/testing"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// TestMetricNameCase checks that a KEDA-form name with upper case is found
// when asked for in lower case, as client-go (and so the HPA) asks, and
// that the answer carries the trigger's own name, as KEDA's does.
func TestMetricNameCase(t *testing.T) {
	const mixed = "s1-kafka-Orders_EU"
	store := &fakeStore{}
	other, ts := fresh(1), fresh(7)
	ts.MetricName = mixed
	store.put(key, poll.ObjectState{Key: key, Triggers: []poll.TriggerState{other, ts}})
	p := newProvider(t, store, clocktesting.NewFakeClock(now))
	sel := selector(t, v1alpha1.LabelScaledObjectName+"=app")
	for _, asked := range []string{mixed, "s1-kafka-orders_eu", "S1-KAFKA-ORDERS_EU"} {
		list, err := p.GetExternalMetric(context.Background(), "ns", sel, cmprovider.ExternalMetricInfo{Metric: asked})
		if err != nil {
			t.Fatalf("%s: %v", asked, err)
		}
		if len(list.Items) != 1 || list.Items[0].Value.String() != "7" || list.Items[0].MetricName != mixed {
			t.Fatalf("%s: got %+v", asked, list.Items)
		}
	}
	if _, err := p.GetExternalMetric(context.Background(), "ns", sel, cmprovider.ExternalMetricInfo{Metric: "s1-kafka-orders-eu"}); !apierrors.IsNotFound(err) {
		t.Fatalf("a different name was matched: %v", err)
	}
}
