package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
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
	return e.measureLoad(ctx, o, r)
}

// measureLoad runs the load generator on the external metrics API and then
// on the floor, a plain GET of a namespace, and reports both.
func (e *env) measureLoad(ctx context.Context, o *options, r *report) error {
	r.Params["clients"] = strconv.Itoa(o.clients)
	r.Params["duration"] = o.duration.String()
	base := "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + benchNamespace + "/" + metricName + "?labelSelector="
	metric := load{config: e.cp.Config, clients: o.clients, duration: o.duration, maxRequests: o.maxRequests,
		path: func(rnd *rand.Rand) string { return base + selector(objectName(rnd.IntN(o.objects))) }}
	floor := metric
	floor.path = func(*rand.Rand) string { return "/api/v1/namespaces/default" }
	apiserver, err := pidNamed(e.cp.PIDs(), "kube-apiserver")
	if err != nil {
		return err
	}
	runs := []struct {
		name string
		load load
		res  loadResult
	}{{name: "external metric", load: metric}, {name: "floor GET namespace", load: floor}}
	for i := range runs {
		x := &runs[i]
		cpu, err := startCPU(e.adapter.PID(), apiserver)
		if err != nil {
			return err
		}
		if x.res, err = x.load.run(ctx); err != nil {
			return err
		}
		perSecond, total, err := cpu.stop()
		if err != nil {
			return err
		}
		r.add(x.name+" requests/s", x.res.RPS(), "1/s")
		r.add(x.name+" p50", ms(x.res.Latency.P50), "ms")
		r.add(x.name+" p99", ms(x.res.Latency.P99), "ms")
		r.add(x.name+" max", ms(x.res.Latency.Max), "ms")
		r.addTarget(x.name+" errors", float64(x.res.Errors), "", "0", x.res.Errors == 0)
		r.add(x.name+": adapter CPU", perSecond[0], "CPU s/s")
		r.add(x.name+": kube-apiserver CPU", perSecond[1], "CPU s/s")
		r.add(x.name+": CPU per request, both", ms(total)/float64(max(x.res.Requests, 1)), "ms")
		if x.res.FirstError != "" {
			r.Params[x.name+" first error"] = x.res.FirstError
		}
	}
	m, f := runs[0].res, runs[1].res
	rpsRatio := f.RPS() / m.RPS()
	p99Ratio := float64(m.Latency.P99) / float64(f.Latency.P99)
	r.addTarget("floor/metric requests/s", rpsRatio, "x", "<= 2", rpsRatio <= 2)
	r.addTarget("metric/floor p99", p99Ratio, "x", "<= 2", p99Ratio <= 2)
	u, err := readUsage(e.adapter.PID())
	if err != nil {
		return err
	}
	r.add("adapter RSS after load", mib(u.RSS), "MiB")
	r.add("adapter peak RSS (VmHWM)", mib(u.HWM), "MiB")
	return nil
}

// waitAllPolled waits until the adapter's /readyz says every trigger it
// knows has been polled once.
func (e *env) waitAllPolled(ctx context.Context) error {
	return e.waitReady(ctx, e.adapter, e.adapterH, 5*time.Minute)
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
