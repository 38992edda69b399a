package app

import (
	"github.com/sluice-dev/sluice/pkg/metricset"
	"github.com/sluice-dev/sluice/pkg/poll"
)

// Metrics returns the metric families of the adapter's own registry, which
// its /metrics serves with o beside the apiserver library's (request
// metrics, Go and process collectors), without running it.
func Metrics(o *Options) ([]metricset.Family, error) {
	c := metricset.New()
	if _, err := poll.New(o.Poll, nil, c); err != nil {
		return nil, err
	}
	if err := registerCertExpiry(c, nil); err != nil {
		return nil, err
	}
	return c.Families()
}
