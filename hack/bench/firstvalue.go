package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

// firstValueInterval is the pollingInterval of the new objects: KEDA's
// default, so a first poll left to the schedule would wait up to 30 s.
const firstValueInterval = 30

// runFirstValue is the first-value scenario, one new object after another
// with the adapter and activator at their default flags:
//
//   - first value: create a ScaledObject with a source of its own and
//     measure until its external metric is served through kube-apiserver;
//   - activation with work waiting: create a Deployment at 0 and a
//     ScaledObject whose (new) source already reports work, and measure
//     until the Deployment's spec.replicas is 1.
func runFirstValue(ctx context.Context, o *options, r *report) error {
	r.Params["creates"] = strconv.Itoa(o.creates)
	r.Params["pollingInterval"] = strconv.Itoa(firstValueInterval) + "s"
	e, err := startWithPrograms(ctx, o, r, false)
	if err != nil {
		return err
	}
	defer e.stop()
	httpc, err := rest.HTTPClientFor(e.cp.Config)
	if err != nil {
		return fmt.Errorf("build HTTP client: %w", err)
	}
	defer httpc.CloseIdleConnections()
	e.src.set(activationValue)
	first, err := rounds(o.creates, "first value", func(i int) (time.Duration, error) {
		return e.firstValue(ctx, httpc, "fv"+strconv.Itoa(i))
	})
	if err != nil {
		return err
	}
	s := summarize(first)
	r.addLatencies("first value", s)
	r.addTarget("first value p99 within target", ms(s.P99), "ms", "< 1000", s.P99 < time.Second)

	scaled, stop, err := watchScaledUp(ctx, e)
	if err != nil {
		return err
	}
	defer stop()
	before, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	act, err := rounds(o.creates, "activation", func(i int) (time.Duration, error) {
		return e.activateNew(ctx, scaled, "act"+strconv.Itoa(i))
	})
	if err != nil {
		return err
	}
	after, err := e.apiRequests(ctx)
	if err != nil {
		return err
	}
	n := float64(o.creates)
	own := requestCounts{"POST deployments": n, "POST scaledobjects": n}
	r.addRequestRows("API requests per activated object", after.since(before, own), o.creates)
	s = summarize(act)
	r.addLatencies("activation with work waiting", s)
	r.addTarget("activation with work waiting p99 within target", ms(s.P99), "ms", "< 1500", s.P99 < 1500*time.Millisecond)
	return nil
}

// firstValue creates ScaledObject name with a source no other object
// reads, and returns the time from the create until its metric is served.
func (e *env) firstValue(ctx context.Context, c *http.Client, name string) (time.Duration, error) {
	so := scaledObject(name, e.src.url+"?object="+name, firstValueInterval)
	u := e.cp.Host + "/apis/external.metrics.k8s.io/v1beta1/namespaces/" + benchNamespace + "/" + metricName +
		"?labelSelector=" + selector(name)
	t0 := time.Now()
	if _, err := e.keda.KedaV1alpha1().ScaledObjects(benchNamespace).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		return 0, fmt.Errorf("create ScaledObject: %w", err)
	}
	var at time.Time
	err := eventually(ctx, time.Minute, 5*time.Millisecond, "metric of "+name, func() error {
		if err := get(ctx, c, u); err != nil {
			return err
		}
		at = time.Now()
		return nil
	})
	return at.Sub(t0), err
}

// activateNew creates a Deployment at 0 replicas and ScaledObject name
// over a new source that already reports work, and returns the time from
// the ScaledObject's create until the Deployment is seen at 1 or more.
func (e *env) activateNew(ctx context.Context, scaled *scaledUp, name string) (time.Duration, error) {
	if _, err := e.kube.AppsV1().Deployments(benchNamespace).Create(ctx, deployment(name, 0), metav1.CreateOptions{}); err != nil {
		return 0, fmt.Errorf("create Deployment: %w", err)
	}
	so := scaledObject(name, e.src.url+"?object="+name, firstValueInterval)
	so.Spec.MinReplicaCount = ptr.To[int32](0)
	t0 := time.Now()
	if _, err := e.keda.KedaV1alpha1().ScaledObjects(benchNamespace).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		return 0, fmt.Errorf("create ScaledObject: %w", err)
	}
	at, err := scaled.wait(ctx, name, time.Minute)
	return at.Sub(t0), err
}

// scaledUp records when each Deployment was first seen with one replica
// or more.
type scaledUp struct {
	mu      sync.Mutex
	at      map[string]time.Time
	changed chan struct{}
}

// watchScaledUp watches the bench namespace's Deployments until stop.
func watchScaledUp(ctx context.Context, e *env) (*scaledUp, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	f := informers.NewSharedInformerFactoryWithOptions(e.kube, 0, informers.WithNamespace(benchNamespace))
	stop := func() {
		cancel()
		f.Shutdown()
	}
	s := &scaledUp{at: map[string]time.Time{}, changed: make(chan struct{})}
	on := func(obj any) {
		d, ok := obj.(*appsv1.Deployment)
		if !ok || ptr.Deref(d.Spec.Replicas, 1) < 1 {
			return
		}
		now := time.Now()
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, seen := s.at[d.Name]; !seen {
			s.at[d.Name] = now
			close(s.changed)
			s.changed = make(chan struct{})
		}
	}
	_, err := f.Apps().V1().Deployments().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: on, UpdateFunc: func(_, obj any) { on(obj) },
	})
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("watch deployments: %w", err)
	}
	f.Start(ctx.Done())
	for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
		if !ok {
			stop()
			return nil, nil, fmt.Errorf("sync %v cache: %w", typ, context.Cause(ctx))
		}
	}
	return s, stop, nil
}

// wait returns when Deployment name was first seen scaled up.
func (s *scaledUp) wait(ctx context.Context, name string, timeout time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		s.mu.Lock()
		at, ok := s.at[name]
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return at, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("deployment %s scaled to 1: %w", name, ctx.Err())
		case <-ch:
		}
	}
}
