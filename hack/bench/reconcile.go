package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// runReconcile is the reconcile scenario: n Deployments and n ScaledObjects
// created at once; it measures until the activator has created all n HPAs.
func runReconcile(ctx context.Context, o *options, r *report) error {
	r.Params["objects"] = strconv.Itoa(o.objects)
	if len(o.activatorArgs) > 0 {
		r.Params["activator flags"] = strings.Join(o.activatorArgs, " ")
	}
	e, err := startEnv(ctx, o, false)
	if err != nil {
		return err
	}
	defer e.stop()
	if err := e.startAdapter(ctx); err != nil {
		return err
	}
	if err := e.startActivator(ctx); err != nil {
		return err
	}
	hpas := newTracker()
	w, err := startWatchers(ctx, e.kube, "", nil, hpas)
	if err != nil {
		return err
	}
	defer w.stop()
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
	at, err := hpas.wait(ctx, 5*time.Minute, "all HPAs", func(v int) bool { return v >= o.objects })
	if err != nil {
		return err
	}
	all := at.Sub(start)
	r.add("create Deployments and ScaledObjects", created.Seconds(), "s")
	r.addTarget("until all HPAs exist", all.Seconds(), "s", "< 30", all < 30*time.Second)
	r.add("HPAs per second", float64(o.objects)/all.Seconds(), "1/s")
	return nil
}
