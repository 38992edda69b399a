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
)

// app is the front's state for one routed ScaledObject.
type app struct {
	key      string
	inflight atomic.Int64
	ready    atomic.Bool
	lastWake atomic.Int64 // unix nanoseconds of the last wake stamp sent
	rate     rateWindow
	route    atomic.Pointer[Route] // as matched by the latest request

	mu      sync.Mutex
	held    int
	readyCh chan struct{} // closed when a probe sees the backend accept; nil while no probe runs
}

// apps returns the state of the app of r, creating it on first use.
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
	if a = f.apps[key]; a == nil {
		a = &app{key: key}
		f.apps[key] = a
	}
	return a
}

// hold waits until the app of r has a backend that accepts connections,
// starting a probe (and a wake) if none runs. It fails with ErrQueueFull,
// ErrWakeTimeout or the request's context error.
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
	f.metrics.held.WithLabelValues(r.Namespace, r.Name).Inc()
	start := time.Now()
	defer func() {
		a.mu.Lock()
		a.held--
		a.mu.Unlock()
		f.metrics.held.WithLabelValues(r.Namespace, r.Name).Dec()
		f.metrics.holdSeconds.WithLabelValues(r.Namespace, r.Name).Observe(time.Since(start).Seconds())
	}()
	f.wake(a, r, time.Second)
	timer := time.NewTimer(f.cfg.WakeTimeout)
	defer timer.Stop()
	select {
	case <-ch:
		return nil
	case <-timer.C:
		return ErrWakeTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxProbeInterval caps the time between dials while an app wakes: it
// bounds the forwarding part of the first request's latency, and a refused
// dial costs next to nothing.
const maxProbeInterval = 50 * time.Millisecond

// probe dials the app's backend until it accepts, then marks the app ready and
// releases the held requests; it gives up when no request is held any
// more or the front closes.
func (f *Front) probe(a *app, ch chan struct{}) {
	defer f.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		if f.dialOK(a.route.Load().Backend) {
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
		select {
		case <-f.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxProbeInterval)
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
		f.metrics.wakes.WithLabelValues(r.Namespace, r.Name).Inc()
	}()
}

// isDialError reports whether err is a failure to connect, after which
// nothing of the request reached the backend.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
