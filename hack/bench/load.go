package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"
)

// load describes one run of the load generator: clients workers, each with
// its own keep-alive connection to kube-apiserver, sending GETs of path()
// until duration has passed or maxRequests were sent in total.
type load struct {
	config      *rest.Config
	clients     int
	duration    time.Duration
	maxRequests int
	// path returns the path and query of the next request.
	path func(r *rand.Rand) string
}

// loadResult is what a load run measured.
type loadResult struct {
	Requests, Errors int
	Elapsed          time.Duration
	Latency          summary
	FirstError       string
}

// RPS returns requests per second.
func (l loadResult) RPS() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Requests) / l.Elapsed.Seconds()
}

// run sends the load and waits for every worker.
func (l load) run(ctx context.Context) (loadResult, error) {
	httpClients := make([]*http.Client, l.clients)
	for i := range httpClients {
		cfg := rest.CopyConfig(l.config)
		// A Proxy function makes client-go build a transport per client
		// instead of sharing one cached transport, so that every worker has
		// its own connection, like separate clients would.
		cfg.Proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
		c, err := rest.HTTPClientFor(cfg)
		if err != nil {
			return loadResult{}, fmt.Errorf("build HTTP client: %w", err)
		}
		httpClients[i] = c
	}
	defer func() {
		for _, c := range httpClients {
			c.CloseIdleConnections()
		}
	}()
	runCtx, cancel := context.WithTimeout(ctx, l.duration)
	defer cancel()
	var (
		sent     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      loadResult
		all      []time.Duration
		firstErr string
	)
	start := time.Now()
	for i, c := range httpClients {
		wg.Go(func() {
			lat, errs, msg := l.worker(runCtx, c, uint64(i), &sent)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, lat...)
			res.Errors += errs
			if firstErr == "" {
				firstErr = msg
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(all) + res.Errors
	res.Latency = summarize(all)
	res.FirstError = firstErr
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("load interrupted: %w", err)
	}
	return res, nil
}

// worker sends requests one after the other and returns the latencies of
// the successful ones, the number of failures and the first failure.
func (l load) worker(ctx context.Context, c *http.Client, seed uint64, sent *atomic.Int64) ([]time.Duration, int, string) {
	rnd := rand.New(rand.NewPCG(seed, 0x5eed))
	lat := make([]time.Duration, 0, 4096)
	errs, first := 0, ""
	for ctx.Err() == nil && sent.Add(1) <= int64(l.maxRequests) {
		t0 := time.Now()
		err := get(ctx, c, l.config.Host+l.path(rnd))
		d := time.Since(t0)
		switch {
		case err == nil:
			lat = append(lat, d)
		case ctx.Err() != nil:
			// cut off by the end of the run: neither a success nor an error
		default:
			errs++
			if first == "" {
				first = err.Error()
			}
		}
	}
	return lat, errs, first
}

// get sends one GET and reads the whole body; anything but 200 is an error.
func get(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %.200s", resp.Status, body)
	}
	return nil
}
