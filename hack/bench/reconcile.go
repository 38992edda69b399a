package main

import (
	"context"
	"os"
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
// the timed window, as the scenario did before issue 17. With -floor it
// then measures the same burst on a fresh control plane taken in by the
// benchmark's own minimal writers (takeinfloor.go), twice: with the two
// writers of Sluice's design, and with one.
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
	sluice, took, err := reconcileSluice(ctx, o, r)
	if err != nil || !o.floor {
		return err
	}
	floor, err := reconcileFloor(ctx, o, r, took, false)
	if err != nil {
		return err
	}
	r.add("Sluice ÷ floor, until all HPAs and Ready", sluice.Seconds()/floor.Seconds(), "×")
	one, err := reconcileFloor(ctx, o, r, took, true)
	if err != nil {
		return err
	}
	r.add("Sluice ÷ one-writer floor, until all HPAs and Ready", sluice.Seconds()/one.Seconds(), "×")
	return nil
}

// reconcileSluice measures the burst taken in by Sluice's programs and
// returns the time until all HPAs and Ready, and what taking the first
// object in left behind.
func reconcileSluice(ctx context.Context, o *options, r *report) (time.Duration, *takenIn, error) {
	e, err := startWithPrograms(ctx, o, r, false)
	if err != nil {
		return 0, nil, err
	}
	defer e.stop()
	m, err := e.measureTakeIn(ctx, o, r, "", []proc{
		{"sluice-adapter", e.adapter.PID()}, {"sluice-activator", e.activator.PID()},
	})
	if err != nil {
		return 0, nil, err
	}
	if err := e.addMemoryRows(r); err != nil {
		return 0, nil, err
	}
	took, err := e.readTakenIn(ctx, objectName(0))
	if err != nil {
		return 0, nil, err
	}
	target, limit := "< 10", 10*time.Second
	if o.objects > 1000 {
		limit = time.Duration(o.objects/100) * time.Second // 10,000 in < 100 s
		target = "< " + strconv.Itoa(o.objects/100)
	}
	r.addTarget("until all HPAs exist and all Ready", m.Seconds(), "s", target, m < limit)
	return m, took, nil
}

// reconcileFloor measures the burst taken in by the floor's writers on a
// control plane of its own and returns the time until all HPAs and Ready.
// With oneWriter a single writer takes each object in with one status
// apply; its rows say "one-writer floor". It fails unless the floor left
// the first object as Sluice did (sluice).
func reconcileFloor(ctx context.Context, o *options, r *report, sluice *takenIn, oneWriter bool) (time.Duration, error) {
	e, err := startEnv(ctx, o, false)
	if err != nil {
		return 0, err
	}
	defer e.stop()
	f, err := e.startTakeInFloor(ctx, oneWriter)
	if err != nil {
		return 0, err
	}
	defer f.stop()
	prefix := "floor: "
	if oneWriter {
		prefix = "one-writer floor: "
	}
	m, err := e.measureTakeIn(ctx, o, r, prefix, []proc{{"the benchmark with the floor's writers", os.Getpid()}})
	if err != nil {
		return 0, err
	}
	got, err := e.readTakenIn(ctx, objectName(0))
	if err != nil {
		return 0, err
	}
	if err := sameTakeIn(sluice, got, oneWriter); err != nil {
		return 0, err
	}
	r.add(prefix+"until all HPAs exist and all Ready", m.Seconds(), "s")
	return m, nil
}

// proc is a process whose CPU the burst's rows report.
type proc struct {
	name string
	pid  int
}

// measureTakeIn creates the burst and waits until whatever takes it in
// has made all HPAs and marked every object Ready; it adds the rows, each
// name after prefix, and returns that time. Its CPU rows are
// kube-apiserver's, etcd's and those of takers.
func (e *env) measureTakeIn(ctx context.Context, o *options, r *report, prefix string, takers []proc) (time.Duration, error) {
	hpas := newTracker()
	w, err := startWatchers(ctx, e.kube, "", nil, hpas)
	if err != nil {
		return 0, err
	}
	defer w.stop()
	sos, err := e.watchScaledObjects(ctx)
	if err != nil {
		return 0, err
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
			return 0, err
		}
		r.add(prefix+"create Deployments beforehand (untimed)", time.Since(t0).Seconds(), "s")
	}
	before, err := e.apiRequests(ctx)
	if err != nil {
		return 0, err
	}
	procs, err := e.controlPlaneProcs()
	if err != nil {
		return 0, err
	}
	procs = append(procs, takers...)
	pids := make([]int, len(procs))
	for i, p := range procs {
		pids[i] = p.pid
	}
	cpu, err := startCPU(pids...)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	profiles := e.burstCPUProfiles(ctx, o.objects)
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
		return 0, err
	}
	created := time.Since(start)
	all := func(v int) bool { return v >= o.objects }
	hpaAt, err := hpas.wait(ctx, o.timeout, "all HPAs", all)
	if err != nil {
		return 0, err
	}
	readyAt, err := sos.ready.wait(ctx, o.timeout, "all ScaledObjects Ready", all)
	if err != nil {
		return 0, err
	}
	activeAt, err := sos.active.wait(ctx, o.timeout, "Active published on all ScaledObjects", all)
	if err != nil {
		return 0, err
	}
	used, _, err := cpu.stop()
	if err != nil {
		return 0, err
	}
	if err := profiles.Wait(); err != nil {
		return 0, err
	}
	after, err := e.apiRequests(ctx)
	if err != nil {
		return 0, err
	}
	what := "create ScaledObjects"
	if o.targetsTogether {
		what = "create Deployments and ScaledObjects"
	}
	r.add(prefix+what, created.Seconds(), "s")
	r.add(prefix+"ScaledObject creates per second", n/created.Seconds(), "1/s")
	r.add(prefix+"until all HPAs exist", hpaAt.Sub(start).Seconds(), "s")
	r.add(prefix+"until all ScaledObjects Ready", readyAt.Sub(start).Seconds(), "s")
	r.add(prefix+"until Active published on all", activeAt.Sub(start).Seconds(), "s")
	r.add(prefix+"HPAs per second", n/hpaAt.Sub(start).Seconds(), "1/s")
	for i, p := range procs {
		r.add(prefix+"CPU per object, "+p.name, used[i].Seconds()*1000/n, "ms")
	}
	r.addRequestRows(prefix+"API requests per object", after.since(before, own), o.objects)
	return max(hpaAt.Sub(start), readyAt.Sub(start)), nil
}

// controlPlaneProcs are kube-apiserver and etcd, whose CPU the burst
// reports; kube-apiserver's share includes serving the benchmark's own
// creates and watches.
func (e *env) controlPlaneProcs() ([]proc, error) {
	var procs []proc
	for _, name := range []string{"kube-apiserver", "etcd"} {
		pid, err := pidNamed(e.cp.PIDs(), name)
		if err != nil {
			return nil, err
		}
		procs = append(procs, proc{name, pid})
	}
	return procs, nil
}

// burstCPUProfiles takes, when -profile-dir is set, a CPU profile of each
// of Sluice's programs and of kube-apiserver over the burst (about a
// second per 100 objects, at least 10 s) as <program>-reconcile.cpu.pb.gz;
// Wait returns when they are written.
func (e *env) burstCPUProfiles(ctx context.Context, objects int) *errgroup.Group {
	var g errgroup.Group
	if e.o.profileDir == "" {
		return &g
	}
	d := max(time.Duration(objects/100)*time.Second, 10*time.Second)
	for _, p := range e.profiled {
		g.Go(func() error { return e.saveCPUProfile(ctx, p.name, "reconcile", d) })
	}
	g.Go(func() error { return e.saveAPIServerCPUProfile(ctx, "reconcile", d) })
	return &g
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
