package activator

import (
	"context"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// progressEvery is how often the object counts are refreshed and, while a
// backlog exists, logged.
const progressEvery = 5 * time.Second

// readyCounts counts the watched ScaledObjects by their Ready condition:
// "True", "False", or "Unknown" for objects the activator has not given a
// verdict yet (not reconciled since they were created).
func (c *Controller) readyCounts() map[string]int {
	n := map[string]int{"True": 0, "False": 0, "Unknown": 0}
	for _, l := range c.sources {
		all, err := l.scaledObjects.List(labels.Everything())
		if err != nil {
			continue // a cache lister never fails
		}
		for _, so := range all {
			state := "Unknown"
			if r := so.Status.Condition(v1alpha1.ConditionReady); r != nil {
				state = string(r.Status)
			}
			n[state]++
		}
	}
	return n
}

// reportProgress refreshes sluice_activator_scaledobjects every period
// until ctx ends, and logs the backlog while reconciles are queued or
// objects wait for their first verdict, once more when it has drained.
func (c *Controller) reportProgress(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	backlog := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		counts := c.readyCounts()
		c.stats.setObjects(counts)
		queued := c.currentQueue().Len()
		switch {
		case queued > 0 || counts["Unknown"] > 0:
			backlog = true
			c.log.Info("reconcile backlog", zap.Int("queued", queued), zap.Int("awaitingVerdict", counts["Unknown"]),
				zap.Int("ready", counts["True"]), zap.Int("notReady", counts["False"]))
		case backlog:
			backlog = false
			c.log.Info("reconcile backlog drained", zap.Int("ready", counts["True"]), zap.Int("notReady", counts["False"]))
		}
	}
}
