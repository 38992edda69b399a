package adapter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// MaxMetricNameLength bounds an external metric name. Names are made from
// user input (a metrics-api valueLocation, a query, a queue name) and
// become HPA metric names, URL path segments and keys of status.health:
// a key of about 1,000 characters or more is refused by the YAML decoder
// server-side apply uses, so every status write of the object would fail.
// 253 is the longest Kubernetes object name.
const MaxMetricNameLength = 253

// maxMessageLength bounds a trigger's error message in status and Events:
// a message may quote user input, which has no length limit of its own.
const maxMessageLength = 1024

// checkMetricName refuses a metric name longer than MaxMetricNameLength,
// naming the trigger metadata it is most likely made from.
func checkMetricName(i int, t v1alpha1.ScaleTriggers, metric string) error {
	if len(metric) <= MaxMetricNameLength {
		return nil
	}
	return fmt.Errorf("trigger %d (%s): the metric name made from its metadata is %d characters, longer than the %d allowed; shorten %s",
		i, t.Type, len(metric), MaxMetricNameLength, longestParams(t.Metadata))
}

// longestParams names the longest metadata parameters, longest first, at
// most three, as `parameter "x"` phrases.
func longestParams(metadata map[string]string) string {
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := len(metadata[b]) - len(metadata[a]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	if len(keys) > 3 {
		keys = keys[:3]
	}
	if len(keys) == 0 {
		return "the trigger's metadata"
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("parameter %q (%d characters)", k, len(metadata[k]))
	}
	return strings.Join(parts, " or ")
}
