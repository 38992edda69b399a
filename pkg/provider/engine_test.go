package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/labels"
	cmprovider "sigs.k8s.io/custom-metrics-apiserver/pkg/provider"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

type constSource float64

func (c constSource) Poll(context.Context) (float64, error) { return float64(c), nil }

// runEngine runs a real engine with n objects, each with its own source,
// until every first poll completed; the engine stops at cleanup.
func runEngine(tb testing.TB, n int) *poll.Engine {
	tb.Helper()
	opts := poll.NewOptions()
	opts.Jitter = func(time.Duration) time.Duration { return 0 }
	e, err := poll.New(opts, zap.NewNop(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		k := poll.Key{Namespace: "ns", Name: fmt.Sprintf("app-%d", i)}
		err := e.Set(k, poll.ObjectSpec{PollingInterval: time.Hour, Triggers: []poll.TriggerSpec{{
			Type: "metrics-api", MetricName: metric,
			Trigger: &scalers.Trigger{Key: k.String(), Source: constSource(i), Target: 5},
		}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(ctx) }()
	tb.Cleanup(func() { cancel(); <-done })
	for i := range n {
		st, _ := e.State(poll.Key{Namespace: "ns", Name: fmt.Sprintf("app-%d", i)})
		<-st.Triggers[0].FirstPoll
	}
	return e
}

func TestWithEngine(t *testing.T) {
	e := runEngine(t, 3)
	p, err := New(e, NewOptions())
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := get(t, p, context.Background(), "ns", v1alpha1.LabelScaledObjectName+"=app-2", metric)
	if err != nil || got != "2" {
		t.Fatalf("got %q, %v; want 2", got, err)
	}
	if infos := p.ListAllExternalMetrics(); len(infos) != 1 || infos[0].Metric != metric {
		t.Fatalf("ListAllExternalMetrics = %v", infos)
	}
}

func BenchmarkGetExternalMetric(b *testing.B) {
	const objects = 10_000
	e := runEngine(b, objects)
	p, err := New(e, NewOptions())
	if err != nil {
		b.Fatal(err)
	}
	sels := make([]labels.Selector, 1024)
	for i := range sels {
		name := fmt.Sprintf("app-%d", i*objects/len(sels))
		sels[i] = labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: name})
	}
	info := cmprovider.ExternalMetricInfo{Metric: metric}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := p.GetExternalMetric(ctx, "ns", sels[i%len(sels)], info); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
