package app

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/httpfront"
	"github.com/sluice-dev/sluice/pkg/metricset"
)

// Metrics returns the metric families sluice-http exports on /metrics with
// o, without running it.
func Metrics(o *Options) ([]metricset.Family, error) {
	log := zap.NewNop()
	src, err := httpfront.NewSource(nil, log)
	if err != nil {
		return nil, fmt.Errorf("create route source: %w", err)
	}
	c := metricset.New()
	front, err := newFront(o, src, nil, c, log)
	if err != nil {
		return nil, err
	}
	defer front.Close()
	return c.Families()
}

// newFront builds the front over src, registering everything /metrics
// serves on reg: the Go and process collectors and the front's metrics.
func newFront(o *Options, src *httpfront.Source, sluice versioned.Interface, reg prometheus.Registerer, log *zap.Logger) (*httpfront.Front, error) {
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	front, err := httpfront.New(httpfront.Config{
		Routes: src, Waker: &httpfront.KubeWaker{Client: sluice}, Endpoints: src,
		MaxHeld: o.MaxHeldRequests, WakeTimeout: o.WakeTimeout, TouchEvery: o.TouchInterval,
		MaxReplayBody: replayBound(o.MaxReplayBodyBytes),
		Registerer:    reg, Log: log,
	})
	if err != nil {
		return nil, fmt.Errorf("create front: %w", err)
	}
	return front, nil
}
