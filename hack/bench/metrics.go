package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"k8s.io/client-go/rest"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// metricName is the external metric of trigger 0 of every bench object.
const metricName = "s0-metric-api-value"

// runMetrics is the metrics scenario (distinct=false: every object reads
// the same URL, de-duplicated to one source) and the memory scenario
// (distinct=true: one URL and so one source per object).
func runMetrics(ctx context.Context, o *options, r *report, distinct bool) error {
	r.Params["objects"] = strconv.Itoa(o.objects)
	r.Params["idleWindow"] = o.idle.String()
	e, err := startEnv(ctx, o, false)
	if err != nil {
		return err
	}
	defer e.stop()
	var floor *loadRun
	if !distinct {
		if floor, err = e.measureFloor(ctx, o, r); err != nil {
			return err
		}
	}
	if err := e.startAdapter(ctx); err != nil {
		return err
	}
	urlOf := func(int) string { return e.src.url }
	if distinct {
		urlOf = func(i int) string { return e.src.url + "?id=" + strconv.Itoa(i) }
	}
	start := time.Now()
	if err := e.createScaledObjects(ctx, o.objects, urlOf, 30); err != nil {
		return err
	}
	r.add("create ScaledObjects", time.Since(start).Seconds(), "s")
	if err := e.waitAllPolled(ctx); err != nil {
		return err
	}
	httpc, err := rest.HTTPClientFor(e.cp.Config)
	if err != nil {
		return fmt.Errorf("build HTTP client: %w", err)
	}
	defer httpc.CloseIdleConnections()
	err = eventually(ctx, 5*time.Minute, 200*time.Millisecond, "a sample of metrics served", func() error {
		return e.sampleMetrics(ctx, httpc, o.objects)
	})
	if err != nil {
		return err
	}
	r.add("until every source polled and served", time.Since(start).Seconds(), "s")
	if err := e.waitStatusPublished(ctx, o.objects, 5*time.Minute); err != nil {
		return err
	}
	r.add("until every status published", time.Since(start).Seconds(), "s")
	// Informational: a failing /metrics must not cost the whole run.
	if sources, err := e.adapterGauge(ctx, "sluice_poll_sources"); err == nil {
		r.add("distinct sources polled", sources, "")
	} else {
		r.Params["distinct sources polled"] = "unknown: " + firstLine(err.Error())
	}

	hits := e.src.hits.Load()
	idle, err := measureIdle(ctx, e.adapter.PID(), o.idle)
	if err != nil {
		return err
	}
	rss := mib(idle.RSS)
	r.addTarget("adapter RSS, steady state", rss, "MiB", "< 256", rss < 256)
	r.add("adapter CPU, steady state", idle.CPUPerSecond, "CPU s/s")
	r.add("source polls, steady state", float64(e.src.hits.Load()-hits)/idle.Window.Seconds(), "1/s")
	if distinct {
		r.add("adapter peak RSS (VmHWM)", mib(idle.HWM), "MiB")
		return nil
	}
	return e.measureLoad(ctx, o, r, floor)
}

// measureLoad runs the load generator on sluice-adapter's external metric
// and reports it beside floor, the test adapter's run.
func (e *env) measureLoad(ctx context.Context, o *options, r *report, floor *loadRun) error {
	base := "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + benchNamespace + "/" + metricName + "?labelSelector="
	l := e.newLoad(o, func(rnd *rand.Rand) string { return base + selector(objectName(rnd.IntN(o.objects))) })
	// With -profile-dir, a CPU profile of the adapter covers most of the
	// run (the profiler's own cost is in the figures then).
	cpuProfile := make(chan error, 1)
	go func() {
		cpuProfile <- e.saveCPUProfile(ctx, "sluice-adapter", "load", max(o.duration-time.Second, time.Second))
	}()
	m, err := e.measureRun(ctx, l, e.adapter.PID())
	if err = errors.Join(err, <-cpuProfile); err != nil {
		return err
	}
	r.addRun("external metric", m)
	rpsRatio := floor.res.RPS() / m.res.RPS()
	p99Ratio := float64(m.res.Latency.P99) / float64(floor.res.Latency.P99)
	adapterRatio := m.adapterPerRequest() / floor.adapterPerRequest()
	apiRatio := m.apiserverPerRequest() / floor.apiserverPerRequest()
	r.add("floor/metric requests/s", rpsRatio, "x")
	r.add("metric/floor p99", p99Ratio, "x")
	r.addTarget("adapter CPU per request, sluice/test adapter", adapterRatio, "x", "<= 1.2", adapterRatio <= 1.2)
	r.addTarget("kube-apiserver CPU per request, sluice/test adapter", apiRatio, "x", "<= 1.1", apiRatio <= 1.1)
	u, err := readUsage(e.adapter.PID())
	if err != nil {
		return err
	}
	r.add("adapter RSS after load", mib(u.RSS), "MiB")
	r.add("adapter peak RSS (VmHWM)", mib(u.HWM), "MiB")
	return nil
}

// measureFloor runs custom-metrics-apiserver's test adapter as the
// external metrics APIService, measures the same load on it, reports it
// and stops it, so that sluice-adapter can take the APIService over.
func (e *env) measureFloor(ctx context.Context, o *options, r *report) (*loadRun, error) {
	r.Params["clients"] = strconv.Itoa(o.clients)
	r.Params["duration"] = o.duration.String()
	p, err := e.startTestAdapter(ctx)
	if err != nil {
		return nil, err
	}
	defer p.Stop(10 * time.Second)
	run, err := e.measureRun(ctx, e.newLoad(o, func(*rand.Rand) string { return floorMetricPath }), p.PID())
	if err != nil {
		return nil, err
	}
	r.addRun("floor (test adapter)", run)
	return run, nil
}

// newLoad is the load generator with o's sizes on path.
func (e *env) newLoad(o *options, path func(*rand.Rand) string) load {
	return load{config: e.cp.Config, clients: o.clients, duration: o.duration, maxRequests: o.maxRequests, path: path}
}

// loadRun is one load run and the CPU the adapter serving it and
// kube-apiserver used meanwhile.
type loadRun struct {
	res                  loadResult
	adapterCPU, apiCPU   time.Duration
	adapterRate, apiRate float64 // CPU s/s
}

// adapterPerRequest is the adapter's CPU per request in milliseconds.
func (x *loadRun) adapterPerRequest() float64 {
	return ms(x.adapterCPU) / float64(max(x.res.Requests, 1))
}

// apiserverPerRequest is kube-apiserver's CPU per request in milliseconds.
func (x *loadRun) apiserverPerRequest() float64 {
	return ms(x.apiCPU) / float64(max(x.res.Requests, 1))
}

// measureRun runs l while measuring the CPU of adapter and kube-apiserver.
func (e *env) measureRun(ctx context.Context, l load, adapter int) (*loadRun, error) {
	apiserver, err := pidNamed(e.cp.PIDs(), "kube-apiserver")
	if err != nil {
		return nil, err
	}
	cpu, err := startCPU(adapter, apiserver)
	if err != nil {
		return nil, err
	}
	res, err := l.run(ctx)
	if err != nil {
		return nil, err
	}
	used, perSecond, err := cpu.stop()
	if err != nil {
		return nil, err
	}
	return &loadRun{res: res, adapterCPU: used[0], apiCPU: used[1], adapterRate: perSecond[0], apiRate: perSecond[1]}, nil
}

// addRun reports one load run under name.
func (r *report) addRun(name string, x *loadRun) {
	r.add(name+" requests/s", x.res.RPS(), "1/s")
	r.add(name+" p50", ms(x.res.Latency.P50), "ms")
	r.add(name+" p99", ms(x.res.Latency.P99), "ms")
	r.add(name+" max", ms(x.res.Latency.Max), "ms")
	r.addTarget(name+" errors", float64(x.res.Errors), "", "0", x.res.Errors == 0)
	r.add(name+": adapter CPU", x.adapterRate, "CPU s/s")
	r.add(name+": kube-apiserver CPU", x.apiRate, "CPU s/s")
	r.add(name+": adapter CPU per request", x.adapterPerRequest(), "ms")
	r.add(name+": kube-apiserver CPU per request", x.apiserverPerRequest(), "ms")
	if x.res.FirstError != "" {
		r.Params[name+" first error"] = x.res.FirstError
	}
}

// waitAllPolled waits until the adapter's /readyz is ok: informers synced
// and the API served (it does not wait for polls; waitStatusPublished does).
func (e *env) waitAllPolled(ctx context.Context) error {
	return testenv.WaitReady(ctx, e.adapter, e.adapterH, 5*time.Minute)
}

// sampleMetrics reads the metric of 20 random objects and of the last one
// through kube-apiserver, and fails unless each answers with one value.
func (e *env) sampleMetrics(ctx context.Context, c *http.Client, n int) error {
	base := e.cp.Host + "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + benchNamespace + "/" + metricName + "?labelSelector="
	for k := range 21 {
		i := n - 1
		if k > 0 {
			i = rand.IntN(n)
		}
		if err := get(ctx, c, base+selector(objectName(i))); err != nil {
			return fmt.Errorf("metric of %s: %w", objectName(i), err)
		}
	}
	return nil
}

// selector is the query-escaped label selector the HPA sends for object.
func selector(object string) string {
	return url.QueryEscape("scaledobject.keda.sh/name=" + object)
}
