// Package builtin assembles the registry of every trigger type Sluice ships,
// so that the adapter builds it with one call.
package builtin

import (
	"fmt"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/azureblob"
	"github.com/sluice-dev/sluice/pkg/scalers/azureeventhub"
	"github.com/sluice-dev/sluice/pkg/scalers/azurequeue"
	"github.com/sluice-dev/sluice/pkg/scalers/azureservicebus"
	"github.com/sluice-dev/sluice/pkg/scalers/kafka"
	"github.com/sluice-dev/sluice/pkg/scalers/metricsapi"
	"github.com/sluice-dev/sluice/pkg/scalers/prometheus"
	"github.com/sluice-dev/sluice/pkg/scalers/rabbitmq"
)

// NewRegistry returns a registry holding every built-in trigger type. Each
// call returns a fresh registry with its own shared resources (such as the
// metrics-api HTTP client cache); an error means two types share a name.
func NewRegistry() (*scalers.Registry, error) {
	r := scalers.NewRegistry()
	types := []struct {
		name string
		c    scalers.Constructor
	}{
		{metricsapi.Type, metricsapi.New(metricsapi.NewClientCache(metricsapi.DefaultCacheSize))},
		{azurequeue.Type, azurequeue.New(azurequeue.NewClientCache(0))},
		{azureblob.Type, azureblob.New(azureblob.NewClientCache(0))},
		{azureservicebus.Type, azureservicebus.New(azureservicebus.NewClientCache(nil))},
		{kafka.Type, kafka.New(kafka.NewClientCache(kafka.DefaultCacheSize))},
		{prometheus.Type, prometheus.New(prometheus.NewClientCache(prometheus.DefaultCacheSize))},
		{azureeventhub.Type, azureeventhub.New(azureeventhub.NewHubCache(0, 0), azureeventhub.NewStoreCache(0))},
		{rabbitmq.Type, rabbitmq.New(rabbitmq.NewConnCache())},
	}
	for _, t := range types {
		if err := r.Register(t.name, t.c); err != nil {
			return nil, fmt.Errorf("builtin registry: %w", err)
		}
	}
	return r, nil
}
