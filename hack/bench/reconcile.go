package main

import (
	"context"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// runReconcile is the reconcile scenario: n ScaledObjects created at once,
// their n Deployments already in place (as in a cluster, where a workload
// exists before it is scaled); it measures from the first ScaledObject
// create until the activator has created all n HPAs and marked every object
// Ready, and counts the API requests and the CPU this took. With
// -targets-together the Deployments are created at the same time, inside
// the timed window, as the scenario did before issue 17.
func runReconcile(ctx context.Context, o *options, r *report) error {
	r.Params["objects"] = strconv.Itoa(o.objects)
	r.Params["targets"] = "created before the ScaledObjects, untimed"
	if o.targetsTogether {
		r.Params["targets"] = "created with the ScaledObjects, timed"
	}
	r.Params["sources"] = "one, shared by every object"
	if o.distinctSources {
		r.Params["sources"] = "one per object"
	}
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
	n := float64(o.objects)
	own := requestCounts{"POST scaledobjects": n}
	if o.targetsTogether {
		own["POST deployments"] = n
	} else {
		t0 := time.Now()
		if err := e.createDeployments(ctx, o.objects, 1); err != nil {
			return err
		}
		r.add("create Deployments beforehand (untimed)", time.Since(t0).Seconds(), "s")
	}
	before, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	cpu, err := e.startBurstCPU()
	if err != nil {
		return err
	}
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	if o.targetsTogether {
		g.Go(func() error { return e.createDeployments(gctx, o.objects, 1) })
	}
	g.Go(func() error {
		urlOf := func(int) string { return e.src.url }
		if o.distinctSources {
			urlOf = func(i int) string { return e.src.url + "?id=" + strconv.Itoa(i) }
		}
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
	used, _, err := cpu.stop()
	if err != nil {
		return err
	}
	after, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	target, limit := "< 10", 10*time.Second
	if o.objects > 1000 {
		limit = time.Duration(o.objects/100) * time.Second // 10,000 in < 100 s
		target = "< " + strconv.Itoa(o.objects/100)
	}
	done := max(hpaAt.Sub(start), readyAt.Sub(start))
	what := "create ScaledObjects"
	if o.targetsTogether {
		what = "create Deployments and ScaledObjects"
	}
	r.add(what, created.Seconds(), "s")
	r.add("ScaledObject creates per second", n/created.Seconds(), "1/s")
	r.add("until all HPAs exist", hpaAt.Sub(start).Seconds(), "s")
	r.add("until all ScaledObjects Ready", readyAt.Sub(start).Seconds(), "s")
	r.addTarget("until all HPAs exist and all Ready", done.Seconds(), "s", target, done < limit)
	r.add("until the adapter published Active on all", activeAt.Sub(start).Seconds(), "s")
	r.add("HPAs per second", n/hpaAt.Sub(start).Seconds(), "1/s")
	for i, name := range burstCPUNames() {
		r.add("CPU per object, "+name, used[i].Seconds()*1000/n, "ms")
	}
	if err := e.addMemoryRows(r); err != nil {
		return err
	}
	r.addRequestRows("API requests per object", after.since(before, own), o.objects)
	return nil
}

// burstCPUNames are the processes startBurstCPU measures, in its order.
func burstCPUNames() []string {
	return []string{"kube-apiserver", "etcd", "sluice-adapter", "sluice-activator"}
}

// startBurstCPU starts measuring the CPU of the control plane and Sluice's
// two programs. kube-apiserver's share includes serving the benchmark's
// own creates and watches.
func (e *env) startBurstCPU() (*cpuMeter, error) {
	apiserver, err := pidNamed(e.cp.PIDs(), "kube-apiserver")
	if err != nil {
		return nil, err
	}
	etcd, err := pidNamed(e.cp.PIDs(), "etcd")
	if err != nil {
		return nil, err
	}
	return startCPU(apiserver, etcd, e.adapter.PID(), e.activator.PID())
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
