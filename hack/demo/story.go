package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// The scaling settings the demo deploys with, and the azure-queue
// trigger's default target.
const (
	cooldownSeconds = 10
	maxReplicas     = 10
	perReplica      = 5 // queueLength: messages per replica the HPA aims at
)

// plan is the shape of the story.
type plan struct {
	// waves are the numbers of orders enqueued, one wave per step.
	waves []int
	// hold is the pause after each milestone, for the eye.
	hold time.Duration
	// workRate is how many messages one (would-be) replica finishes per
	// second while the queue drains.
	workRate int
	// timeout bounds every wait on the cluster.
	timeout time.Duration
}

// demoPlan is the story `make demo` tells: about two minutes.
func demoPlan() plan {
	return plan{waves: []int{5, 30, 60}, hold: 10 * time.Second, workRate: 1, timeout: 90 * time.Second}
}

// playStory deploys nothing: with the app deployed, it drives the queue
// and returns the replica timeline it observed.
func playStory(ctx context.Context, obs *observer, p plan, v *view) (timeline, error) {
	m := newMonitor(obs, v)
	mctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.run(mctx)
	}()
	err := tell(ctx, m, obs.q, p)
	stop()
	wg.Wait()
	return m.timeline(), err
}

// tell runs the steps of the story, each waiting on what it expects.
func tell(ctx context.Context, m *monitor, q *queue, p plan) error {
	if err := q.clear(ctx); err != nil {
		return err
	}
	m.note("waiting for the app to rest at 0 replicas with an empty queue")
	if err := m.waitFor(ctx, p.timeout, "0 replicas and an empty queue", func(s snapshot) bool {
		return s.replicas == 0 && s.queue == 0
	}); err != nil {
		return err
	}
	m.startTimeline()
	total := 0
	for i, n := range p.waves {
		if err := q.enqueue(ctx, n); err != nil {
			return err
		}
		m.markEnqueue()
		total += n
		switch {
		case i == 0:
			m.note("%d orders enqueued: the adapter sees the queue, the activator scales 0 → 1", n)
			if err := m.waitFor(ctx, p.timeout, "1 replica", func(s snapshot) bool { return s.replicas >= 1 }); err != nil {
				return err
			}
		case i < len(p.waves)-1:
			m.note("%d more orders (%d queued): the HPA scales out at %d messages per replica", n, total, perReplica)
			if err := m.waitFor(ctx, p.timeout, "more than 1 replica", func(s snapshot) bool { return s.replicas > 1 }); err != nil {
				return err
			}
		default:
			want := min(maxReplicas, (total+perReplica-1)/perReplica)
			m.note("%d more orders (%d queued): the HPA scales out to %d (max %d)", n, total, want, maxReplicas)
			if err := m.waitFor(ctx, p.timeout, strconv.Itoa(want)+" replicas", func(s snapshot) bool { return s.replicas >= want }); err != nil {
				return err
			}
		}
		if err := testenv.Sleep(ctx, p.hold); err != nil {
			return err
		}
	}
	m.note("the workers drain the queue (no kubelet runs, so the demo plays each replica: %d messages/s)", p.workRate)
	if err := drain(ctx, m, q, p); err != nil {
		return err
	}
	m.note("queue empty: the HPA scales in to 1 after its 5s stabilization window")
	if err := m.waitFor(ctx, p.timeout, "1 replica", func(s snapshot) bool { return s.replicas == 1 }); err != nil {
		return err
	}
	m.note("the activator scales 1 → 0 after the %ds cooldown", cooldownSeconds)
	if err := m.waitFor(ctx, p.timeout, "0 replicas", func(s snapshot) bool { return s.replicas == 0 }); err != nil {
		return err
	}
	m.note("done")
	return testenv.Sleep(ctx, 600*time.Millisecond) // one more draw
}

// drain deletes messages, each second as many as the replicas would
// process, until the queue is empty.
func drain(ctx context.Context, m *monitor, q *queue, p plan) error {
	deadline := time.Now().Add(p.timeout)
	for {
		s, _ := m.latest()
		n, err := q.work(ctx, max(1, s.replicas)*p.workRate)
		if err != nil {
			return err
		}
		if n == 0 {
			if l, err := q.length(ctx); err == nil && l == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for the queue to drain", p.timeout)
		}
		if err := testenv.Sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}
