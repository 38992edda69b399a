package httpfront

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Reasons a held request is refused; each is the body of the 503 and the
// reason label of sluice_http_rejected_requests_total.
var (
	// ErrQueueFull: the app already holds MaxHeld requests.
	ErrQueueFull = errors.New("queue full: too many requests are waiting for the app to wake")
	// ErrWakeTimeout: no backend accepted a connection within WakeTimeout.
	ErrWakeTimeout = errors.New("wake timeout: the app did not become ready in time")
	// ErrRouteRemoved: the app's route went away (its ScaledObject was
	// deleted or its sluice.dev/http-service annotation removed) while the
	// request waited.
	ErrRouteRemoved = errors.New("route removed: the app is no longer routed by this front")
)

// app is the front's state for one routed ScaledObject.
type app struct {
	key      string
	ns, name string
	inflight atomic.Int64
	ready    atomic.Bool
	lastWake atomic.Int64 // unix nanoseconds of the last wake stamp sent
	rate     rateWindow
	route    atomic.Pointer[Route] // as matched by the latest request

	// gone is closed when the app's route is removed and its state dropped:
	// held requests fail with ErrRouteRemoved and its probe stops.
	gone chan struct{}
	// kick wakes the app's probe when its Service's endpoints change.
	kick chan struct{}
	// m are the app's metric series; once the app is dropped they are
	// deleted from the vectors, so that later updates reach no exporter.
	m appMetrics

	mu      sync.Mutex
	held    int
	readyCh chan struct{} // closed when a probe sees the backend accept; nil while no probe runs
}

// app returns the state of the app of r, creating it on first use, or nil
// when r's app is not among the routes the front was last told of (see
// Retain): its route is being removed.
func (f *Front) app(r *Route) *app {
	key := r.Key()
	f.appsMu.RLock()
	a := f.apps[key]
	f.appsMu.RUnlock()
	if a != nil {
		return a
	}
	f.appsMu.Lock()
	defer f.appsMu.Unlock()
	if f.known != nil && !f.known[key] {
		return nil
	}
	if a = f.apps[key]; a == nil {
		a = &app{key: key, ns: r.Namespace, name: r.Name, gone: make(chan struct{}), kick: make(chan struct{}, 1), m: f.metrics.forApp(r.Namespace, r.Name)}
		f.apps[key] = a
	}
	return a
}

// Retain drops the state of every app whose key ("<namespace>/<name>") is
// not in keys, failing its held requests with ErrRouteRemoved and deleting
// its metric series; from then on only apps in keys get state. A route
// source calls it with the new set of routed apps before it publishes a
// table without them (and before one with new apps), so that no request
// revives a removed app.
func (f *Front) Retain(keys map[string]bool) {
	known := make(map[string]bool, len(keys))
	for k := range keys {
		known[k] = true
	}
	var dropped []*app
	f.appsMu.Lock()
	f.known = known
	for k, a := range f.apps {
		if !known[k] {
			delete(f.apps, k)
			dropped = append(dropped, a)
		}
	}
	f.appsMu.Unlock()
	for _, a := range dropped {
		close(a.gone)
		f.metrics.deleteApp(a.ns, a.name)
	}
}

// Apps returns how many apps the front holds state for.
func (f *Front) Apps() int {
	f.appsMu.RLock()
	defer f.appsMu.RUnlock()
	return len(f.apps)
}

// hold waits until the app of r has a backend that accepts connections,
// starting a probe (and a wake) if none runs. It fails with ErrQueueFull,
// ErrWakeTimeout, ErrRouteRemoved or the request's context error.
func (f *Front) hold(ctx context.Context, a *app, r *Route) error {
	a.mu.Lock()
	if a.held >= f.cfg.MaxHeld {
		a.mu.Unlock()
		return ErrQueueFull
	}
	a.held++
	if a.readyCh == nil {
		a.readyCh = make(chan struct{})
		f.wg.Add(1)
		go f.probe(a, a.readyCh)
	}
	ch := a.readyCh
	a.mu.Unlock()
	a.m.held.Inc()
	start := time.Now()
	defer func() {
		a.mu.Lock()
		a.held--
		a.mu.Unlock()
		a.m.held.Dec()
		a.m.holdSeconds.Observe(time.Since(start).Seconds())
	}()
	f.wake(a, r, time.Second)
	timer := time.NewTimer(f.cfg.WakeTimeout)
	defer timer.Stop()
	select {
	case <-ch:
		return nil
	case <-timer.C:
		return ErrWakeTimeout
	case <-a.gone:
		return ErrRouteRemoved
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxProbeInterval caps the time between dials while an app wakes: it
// bounds the forwarding part of the first request's latency, and a refused
// dial costs next to nothing.
const maxProbeInterval = 50 * time.Millisecond

// sliceRecheck is how often an app whose readiness comes from
// EndpointSlices is checked again without a change to them (a safety net;
// changes release it at once).
const sliceRecheck = 5 * time.Second

// probe waits until the app's backend is ready, then marks the app ready
// and releases the held requests; it gives up when no request is held any
// more, the app's route is removed or the front closes. Ready is a
// backend accepting a TCP connection (dialed every 5 ms, backing off to
// maxProbeInterval); where the route says so, dialing waits for a ready
// endpoint in the Service's EndpointSlices (woken by EndpointsChanged).
func (f *Front) probe(a *app, ch chan struct{}) {
	defer f.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		rt := a.route.Load()
		// Without a ready endpoint there is nothing to dial; with one, a
		// dial still confirms that the Service forwards to it (kube-proxy
		// may lag behind the EndpointSlice).
		sliceWait := rt.Endpoints && f.cfg.Endpoints != nil && !f.cfg.Endpoints.ServiceReady(rt.Namespace, rt.Service)
		if !sliceWait && f.dialOK(rt.Backend) {
			a.ready.Store(true)
			a.mu.Lock()
			close(ch)
			a.readyCh = nil
			a.mu.Unlock()
			return
		}
		a.mu.Lock()
		if a.held == 0 {
			a.readyCh = nil
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
		wait := backoff
		if sliceWait {
			wait = f.sliceRecheck
		}
		timer := time.NewTimer(wait)
		select {
		case <-f.ctx.Done():
			timer.Stop()
			return
		case <-a.gone:
			timer.Stop()
			return
		case <-a.kick:
		case <-timer.C:
		}
		timer.Stop()
		backoff = min(backoff*2, maxProbeInterval)
	}
}

// EndpointsChanged tells the front that the EndpointSlices of the Service
// ns/service changed: the apps routed to it through EndpointSlices are
// checked at once, and marked not ready when it has no ready endpoint any
// more, so that their next requests are held rather than forwarded to
// nothing. It never blocks.
func (f *Front) EndpointsChanged(ns, service string) {
	if f.cfg.Endpoints == nil {
		return
	}
	var apps []*app
	f.appsMu.RLock()
	for _, a := range f.apps {
		if rt := a.route.Load(); rt != nil && rt.Endpoints && rt.Namespace == ns && rt.Service == service {
			apps = append(apps, a)
		}
	}
	f.appsMu.RUnlock()
	if len(apps) == 0 {
		return
	}
	ready := f.cfg.Endpoints.ServiceReady(ns, service)
	for _, a := range apps {
		if !ready {
			a.ready.Store(false)
		}
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}

// dialOK reports whether addr accepts a TCP connection.
func (f *Front) dialOK(addr string) bool {
	ctx, cancel := context.WithTimeout(f.ctx, time.Second)
	defer cancel()
	c, err := f.dial(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// wake stamps the app's ScaledObject unless a stamp was sent within
// every; the stamp is written in the background so that no request waits
// on the API server.
func (f *Front) wake(a *app, r *Route, every time.Duration) {
	now := time.Now().UnixNano()
	last := a.lastWake.Load()
	if now-last < int64(every) || !a.lastWake.CompareAndSwap(last, now) {
		return
	}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		defer cancel()
		if err := f.cfg.Waker.Wake(ctx, r.Namespace, r.Name, time.Unix(0, now)); err != nil {
			a.lastWake.CompareAndSwap(now, 0) // let the next request try again
			f.log.Warn("wake failed", zap.String("namespace", r.Namespace), zap.String("scaledObject", r.Name), zap.Error(err))
			return
		}
		a.m.wakes.Inc()
	}()
}

// isDialError reports whether err is a failure to connect, after which
// nothing of the request reached the backend.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
