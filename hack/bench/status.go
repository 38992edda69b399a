package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
)

// waitStatusPublished waits until n ScaledObjects in the bench namespace
// carry the Active condition, which the adapter writes after an object's
// first poll: from then on the adapter has nothing left to write and is in
// its steady state.
func (e *env) waitStatusPublished(ctx context.Context, n int, timeout time.Duration) error {
	ctx, cancel := context.WithCancel(ctx)
	f := externalversions.NewSharedInformerFactoryWithOptions(e.keda, 0, externalversions.WithNamespace(benchNamespace))
	defer func() {
		cancel()
		f.Shutdown()
	}()
	published := newTracker()
	seen := map[string]bool{} // handlers of one informer run one at a time
	onObject := func(obj any) {
		so, ok := obj.(*v1alpha1.ScaledObject)
		if !ok || seen[so.Name] || so.Status.Condition(v1alpha1.ConditionActive) == nil {
			return
		}
		seen[so.Name] = true
		published.set(len(seen))
	}
	_, err := f.Keda().V1alpha1().ScaledObjects().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onObject, UpdateFunc: func(_, obj any) { onObject(obj) },
	})
	if err != nil {
		return fmt.Errorf("watch ScaledObjects: %w", err)
	}
	f.Start(ctx.Done())
	_, err = published.wait(ctx, timeout, "Active condition published", func(v int) bool { return v >= n })
	return err
}

// adapterGauge reads one unlabelled gauge from the adapter's /metrics.
func (e *env) adapterGauge(ctx context.Context, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+e.adapterH+"/metrics", nil)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, fmt.Errorf("get adapter metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("get adapter metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("parse %s: %w", name, err)
			}
			return f, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read adapter metrics: %w", err)
	}
	return 0, fmt.Errorf("adapter metrics lack %s", name)
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
