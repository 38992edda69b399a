package activator

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/metrics/pkg/client/external_metrics"
)

// MetricsChecker asks the external metrics API for one metric. It returns
// nil only when the API answered with a value; any error (adapter down,
// metric unknown, source failing) must be returned, because the activator
// treats it as "activity unknown" and keeps the target up.
type MetricsChecker interface {
	CheckExternalMetric(ctx context.Context, namespace, name string, selector labels.Selector) error
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

// CheckExternalMetric implements MetricsChecker.
func (m *ExternalMetricsChecker) CheckExternalMetric(ctx context.Context, namespace, name string, selector labels.Selector) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	list, err := m.client.NamespacedMetrics(namespace).List(name, selector)
	if err != nil {
		return fmt.Errorf("get external metric %s: %w", name, err)
	}
	if len(list.Items) == 0 {
		return fmt.Errorf("get external metric %s: no values", name)
	}
	return nil
}
