package provider

import (
	"fmt"
	"math"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/metrics/pkg/apis/external_metrics"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// response holds a one-item list and its item in one allocation.
type response struct {
	list external_metrics.ExternalMetricValueList
	item [1]external_metrics.ExternalMetricValue
}

func newList(metric string, v float64, ts time.Time) *external_metrics.ExternalMetricValueList {
	r := &response{}
	r.item[0] = external_metrics.ExternalMetricValue{
		MetricName: metric,
		Timestamp:  metav1.Time{Time: ts},
		Value:      Quantity(v),
	}
	r.list.Items = r.item[:]
	return &r.list
}

// maxMilli is the first float64 that does not fit an int64 (2^63).
const maxMilli = float64(math.MaxInt64)

// Quantity converts v to a quantity with milli precision, the form the
// metrics API serves and the HPA targets: NaN, ±Inf and negative values
// become 0, values too large for int64 millis saturate.
func Quantity(v float64) resource.Quantity {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return *resource.NewMilliQuantity(0, resource.DecimalSI)
	}
	m := math.Round(v * 1000)
	if m >= maxMilli {
		return *resource.NewMilliQuantity(math.MaxInt64, resource.DecimalSI)
	}
	return *resource.NewMilliQuantity(int64(m), resource.DecimalSI)
}

func missingSelector(sel labels.Selector) error {
	got := "<none>"
	if sel != nil && !sel.Empty() {
		got = sel.String()
	}
	return apierrors.NewBadRequest(fmt.Sprintf(
		"metric selector must name the ScaledObject with label %s=<name>, got %s",
		v1alpha1.LabelScaledObjectName, got))
}

func notFound(metric string, key poll.Key) error {
	gr := schema.GroupResource{Group: v1alpha1.GroupName, Resource: "scaledobjects"}
	return cmprovider.NewMetricNotFoundForError(gr, metric, key.String())
}

func notPolled(metric string, key poll.Key) error {
	return apierrors.NewServiceUnavailable(fmt.Sprintf(
		"metric %s of ScaledObject %s has not been polled yet", metric, key))
}

func failing(metric string, key poll.Key, ts *poll.TriggerState) error {
	reason := "no successful poll for too long"
	if ts.LastError != "" {
		reason = ts.LastError
	}
	return apierrors.NewServiceUnavailable(fmt.Sprintf(
		"metric %s of ScaledObject %s is unavailable: %s", metric, key, reason))
}
