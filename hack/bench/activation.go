package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// activationValue is above the activation threshold (0) and below the
// target (5), so the HPA keeps the workload at one replica while active.
const activationValue = 3

// runActivation is the activation scenario: a Deployment at 0 and a
// ScaledObject polled every second; each round sets the source above the
// activation threshold and measures until the Deployment's spec.replicas
// is 1, then sets it to 0 and waits until it is back at 0.
func runActivation(ctx context.Context, o *options, r *report) error {
	const name, interval = "work", 1
	r.Params["activations"] = strconv.Itoa(o.activations)
	r.Params["pollingInterval"] = strconv.Itoa(interval) + "s"
	e, err := startWithPrograms(ctx, o, r, true)
	if err != nil {
		return err
	}
	defer e.stop()
	replicas := newTracker()
	w, err := startWatchers(ctx, e.kube, name, replicas, nil)
	if err != nil {
		return err
	}
	defer w.stop()
	if _, err := e.kube.AppsV1().Deployments(benchNamespace).Create(ctx, deployment(name, 0), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create Deployment: %w", err)
	}
	so := scaledObject(name, e.src.url, interval)
	so.Spec.CooldownPeriod, so.Spec.MinReplicaCount = ptr.To[int32](1), ptr.To[int32](0)
	if _, err := e.keda.KedaV1alpha1().ScaledObjects(benchNamespace).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create ScaledObject: %w", err)
	}
	if err := e.waitHPA(ctx, so.HPAName()); err != nil {
		return err
	}
	lat, err := rounds(o.activations, "round", func(int) (time.Duration, error) {
		if _, err := replicas.wait(ctx, time.Minute, "scale to 0", func(v int) bool { return v == 0 }); err != nil {
			return 0, err
		}
		// Start at a random phase of the polling interval.
		if err := testenv.Sleep(ctx, rand.N(time.Duration(interval)*time.Second)); err != nil {
			return 0, err
		}
		t0 := time.Now()
		e.src.set(activationValue)
		at, err := replicas.wait(ctx, 30*time.Second, "scale to 1", func(v int) bool { return v >= 1 })
		if err != nil {
			return 0, err
		}
		e.src.set(0)
		return at.Sub(t0), nil
	})
	if err != nil {
		return err
	}
	s := summarize(lat)
	r.addLatencies("activation latency", s)
	limit := time.Duration(interval)*time.Second + 250*time.Millisecond
	r.addTarget("activation p99 within target", ms(s.P99), "ms", "<= "+strconv.FormatInt(limit.Milliseconds(), 10), s.P99 <= limit)
	return nil
}

// waitHPA waits until the HPA named name exists.
func (e *env) waitHPA(ctx context.Context, name string) error {
	return eventually(ctx, time.Minute, 50*time.Millisecond, "HPA "+name, func() error {
		_, err := e.kube.AutoscalingV2().HorizontalPodAutoscalers(benchNamespace).Get(ctx, name, metav1.GetOptions{})
		return err
	})
}
