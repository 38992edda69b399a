package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// event is a change of the Deployment's replicas.
type event struct {
	at       time.Duration
	replicas int
}

// timeline is what the story observed, as times since the demo's clock
// started.
type timeline struct {
	started      bool
	firstEnqueue time.Duration // -1 before the first enqueue
	events       []event
}

// milestones are the moments the summary reports; -1 when not reached.
type milestones struct {
	one, peak, backToOne, zero time.Duration
	peakReplicas               int
}

// milestones finds 0 → 1, the first peak, the 1 after it and the 0 after
// that.
func (tl timeline) milestones() milestones {
	ms := milestones{one: -1, peak: -1, backToOne: -1, zero: -1}
	for _, e := range tl.events {
		if ms.one < 0 && e.replicas >= 1 {
			ms.one = e.at
		}
		if ms.one >= 0 && e.replicas > ms.peakReplicas {
			ms.peakReplicas, ms.peak = e.replicas, e.at
		}
	}
	for _, e := range tl.events {
		if ms.peak >= 0 && e.at > ms.peak && ms.backToOne < 0 && e.replicas == 1 {
			ms.backToOne = e.at
		}
		if ms.backToOne >= 0 && e.at > ms.backToOne && ms.zero < 0 && e.replicas == 0 {
			ms.zero = e.at
		}
	}
	return ms
}

// sequence returns the replica counts in order, e.g. "0 → 1 → 5 → 10 → 1 → 0".
func (tl timeline) sequence() string {
	s := make([]string, 0, len(tl.events))
	for _, e := range tl.events {
		s = append(s, strconv.Itoa(e.replicas))
	}
	return strings.Join(s, " → ")
}

// check returns an error unless the timeline is 0 → 1 → n>1 → 1 → 0:
// it starts at 0, reaches 1 before more, peaks above 1, comes back to 1
// and ends at 0.
func (tl timeline) check() error {
	ms := tl.milestones()
	ev := tl.events
	switch {
	case len(ev) == 0 || ev[0].replicas != 0:
		return fmt.Errorf("scaling did not start at 0 replicas: %s", tl.sequence())
	case ev[1%len(ev)].replicas != 1:
		return fmt.Errorf("scaling did not go 0 → 1 first: %s", tl.sequence())
	case ms.peakReplicas <= 1:
		return fmt.Errorf("scaling never went above 1 replica: %s", tl.sequence())
	case ms.backToOne < 0 || ms.zero < 0 || ev[len(ev)-1].replicas != 0:
		return fmt.Errorf("scaling did not come back 1 → 0: %s", tl.sequence())
	}
	return nil
}

// printSummary prints what happened, with times.
func printSummary(out io.Writer, tl timeline) {
	ms := tl.milestones()
	at := func(d time.Duration) string {
		if d < 0 {
			return "   --   "
		}
		return clock(d)
	}
	fmt.Fprintf(out, "\nWhat happened (time since the demo's clock started):\n")
	fmt.Fprintf(out, "  %s  first order enqueued\n", at(tl.firstEnqueue))
	fmt.Fprintf(out, "  %s  replicas 0 → 1 (sluice-activator: the ScaledObject became Active)%s\n", at(ms.one), after(tl.firstEnqueue, ms.one))
	fmt.Fprintf(out, "  %s  peak: %d replicas (HPA, %d messages per replica)\n", at(ms.peak), ms.peakReplicas, perReplica)
	fmt.Fprintf(out, "  %s  back to 1 replica (HPA, queue drained)\n", at(ms.backToOne))
	fmt.Fprintf(out, "  %s  back to 0 replicas (sluice-activator, after the %ds cooldown)\n", at(ms.zero), cooldownSeconds)
	fmt.Fprintf(out, "  replicas: %s\n", tl.sequence())
}

// after shows how long to happened after from, when both are known.
func after(from, to time.Duration) string {
	if from < 0 || to < 0 {
		return ""
	}
	return fmt.Sprintf(", %.1fs after the first order", (to - from).Seconds())
}
