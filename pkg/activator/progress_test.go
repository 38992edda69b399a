package activator

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

func TestProgressCountsObjectsAndQueue(t *testing.T) {
	f := newFixture(t)
	f.objects = []*v1alpha1.ScaledObject{
		scaledObject("ready", withCondition(v1alpha1.ConditionReady, metav1.ConditionTrue, t0)),
		scaledObject("broken", withCondition(v1alpha1.ConditionReady, metav1.ConditionFalse, t0)),
		scaledObject("new"),
		scaledObject("newer"),
	}
	c := f.newController()
	core, logs := observer.New(zapcore.InfoLevel)
	c.log = zap.New(core)
	c.queue.Add(ns + "/new")
	c.queue.Add(ns + "/newer")
	if got := testutil.ToFloat64(c.stats.queue.depth.WithLabelValues("scaledobjects")); got != 2 {
		t.Errorf("workqueue_depth = %v, want 2", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { c.reportProgress(ctx, time.Millisecond) })
	waitLog(t, logs, "reconcile backlog")
	for state, want := range map[string]float64{"True": 1, "False": 1, "Unknown": 2} {
		if got := testutil.ToFloat64(c.stats.objects.WithLabelValues(state)); got != want {
			t.Errorf("sluice_activator_scaledobjects{ready=%q} = %v, want %v", state, got, want)
		}
	}
	e := logs.FilterMessage("reconcile backlog").All()[0].ContextMap()
	if e["queued"] != int64(2) || e["awaitingVerdict"] != int64(2) || e["ready"] != int64(1) || e["notReady"] != int64(1) {
		t.Errorf("backlog log fields = %v", e)
	}

	// The backlog drains: the queue empties and every object has a verdict.
	for range 2 {
		key, _ := c.queue.Get()
		c.queue.Done(key)
	}
	for _, name := range []string{"new", "newer"} {
		so := f.objects[0].DeepCopy()
		so.Name = name
		if err := c.cfg.Sources[0].ScaledObjects.Informer().GetIndexer().Update(so); err != nil {
			t.Fatal(err)
		}
	}
	waitLog(t, logs, "reconcile backlog drained")
	cancel()
	wg.Wait()
}

// waitLog waits until logs holds an entry with message msg.
func waitLog(t *testing.T, logs *observer.ObservedLogs, msg string) {
	t.Helper()
	deadline := time.After(time.Minute)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for logs.FilterMessage(msg).Len() == 0 {
		select {
		case <-deadline:
			t.Fatalf("no %q log within a minute; logs: %v", msg, logs.All())
		case <-tick.C:
		}
	}
}
