package main

import (
	"context"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// runReconcile is the reconcile scenario: n Deployments and n ScaledObjects
// created at once; it measures until the activator has created all n HPAs
// and marked every object Ready, and counts the API requests this took.
func runReconcile(ctx context.Context, o *options, r *report) error {
	r.Params["objects"] = strconv.Itoa(o.objects)
	e, err := startWithPrograms(ctx, o, r, false)
	if err != nil {
		return err
	}
	defer e.stop()
	hpas := newTracker()
	w, err := startWatchers(ctx, e.kube, "", nil, hpas)
	if err != nil {
		return err
	}
	defer w.stop()
	sos, err := e.watchScaledObjects(ctx)
	if err != nil {
		return err
	}
	defer sos.stop()
	// Work is waiting for every object and its Deployment is at one
	// replica, the HPA's floor: nothing is to be scaled, so the requests
	// counted are the cost of taking an object in, not of scaling it.
	e.src.set(activationValue)
	before, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return e.createDeployments(gctx, o.objects, 1) })
	g.Go(func() error {
		urlOf := func(int) string { return e.src.url }
		return e.createScaledObjects(gctx, o.objects, urlOf, 30)
	})
	if err := g.Wait(); err != nil {
		return err
	}
	created := time.Since(start)
	all := func(v int) bool { return v >= o.objects }
	hpaAt, err := hpas.wait(ctx, o.timeout, "all HPAs", all)
	if err != nil {
		return err
	}
	readyAt, err := sos.ready.wait(ctx, o.timeout, "all ScaledObjects Ready", all)
	if err != nil {
		return err
	}
	activeAt, err := sos.active.wait(ctx, o.timeout, "Active published on all ScaledObjects", all)
	if err != nil {
		return err
	}
	after, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	n := float64(o.objects)
	own := requestCounts{"POST deployments": n, "POST scaledobjects": n}
	target, limit := "< 10", 10*time.Second
	if o.objects > 1000 {
		limit = time.Duration(o.objects/100) * time.Second // 10,000 in < 100 s
		target = "< " + strconv.Itoa(o.objects/100)
	}
	done := max(hpaAt.Sub(start), readyAt.Sub(start))
	r.add("create Deployments and ScaledObjects", created.Seconds(), "s")
	r.add("until all HPAs exist", hpaAt.Sub(start).Seconds(), "s")
	r.add("until all ScaledObjects Ready", readyAt.Sub(start).Seconds(), "s")
	r.addTarget("until all HPAs exist and all Ready", done.Seconds(), "s", target, done < limit)
	r.add("until the adapter published Active on all", activeAt.Sub(start).Seconds(), "s")
	r.add("HPAs per second", n/hpaAt.Sub(start).Seconds(), "1/s")
	if err := e.addMemoryRows(r); err != nil {
		return err
	}
	r.addRequestRows("API requests per object", after.since(before, own), o.objects)
	return nil
}

// addMemoryRows reports the resident memory of the adapter and the
// activator, and their sum against the target.
func (e *env) addMemoryRows(r *report) error {
	a, err := readUsage(e.adapter.PID())
	if err != nil {
		return err
	}
	b, err := readUsage(e.activator.PID())
	if err != nil {
		return err
	}
	r.add("adapter RSS", mib(a.RSS), "MiB")
	r.add("activator RSS", mib(b.RSS), "MiB")
	sum := mib(a.RSS + b.RSS)
	r.addTarget("adapter + activator RSS", sum, "MiB", "< 256", sum < 256)
	return nil
}
