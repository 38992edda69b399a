package activator

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/activity"
)

// MetricsChecker reads one metric back through the external metrics API.
// It returns a reading only when the API answered with a value; any error
// (adapter down, metric unknown, source failing) must be returned, because
// the activator treats it as "activity unknown" and keeps the target up.
type MetricsChecker interface {
	ReadExternalMetric(ctx context.Context, namespace, name string, selector labels.Selector) (activity.Reading, error)
}

// ExternalMetricsChecker is the MetricsChecker over the aggregated
// external.metrics.k8s.io API. The client has no context parameter, so its
// rest.Config should carry a timeout.
type ExternalMetricsChecker struct {
	client external_metrics.ExternalMetricsClient
}

var _ MetricsChecker = (*ExternalMetricsChecker)(nil)

// NewExternalMetricsChecker returns an ExternalMetricsChecker using client.
func NewExternalMetricsChecker(client external_metrics.ExternalMetricsClient) *ExternalMetricsChecker {
	return &ExternalMetricsChecker{client: client}
}

// ReadExternalMetric implements MetricsChecker. With several values (the
// adapter serves one) the largest counts, observed at the oldest time.
func (m *ExternalMetricsChecker) ReadExternalMetric(ctx context.Context, namespace, name string, selector labels.Selector) (activity.Reading, error) {
	if err := ctx.Err(); err != nil {
		return activity.Reading{}, err
	}
	list, err := m.client.NamespacedMetrics(namespace).List(name, selector)
	if err != nil {
		return activity.Reading{}, fmt.Errorf("get external metric %s: %w", name, err)
	}
	if len(list.Items) == 0 {
		return activity.Reading{}, fmt.Errorf("get external metric %s: no values", name)
	}
	r := activity.Reading{Value: list.Items[0].Value, Timestamp: list.Items[0].Timestamp.Time}
	for _, it := range list.Items[1:] {
		if it.Value.Cmp(r.Value) > 0 {
			r.Value = it.Value
		}
		if it.Timestamp.Time.Before(r.Timestamp) {
			r.Timestamp = it.Timestamp.Time
		}
	}
	return r, nil
}
