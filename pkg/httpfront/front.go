package httpfront

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Router finds the route of a request; it must be safe for concurrent use
// and must not block.
type Router interface {
	Match(host, path string) *Route
}

// Waker records that the app of the ScaledObject ns/name received a
// request at t, so that the activator scales it up at once.
type Waker interface {
	Wake(ctx context.Context, ns, name string, t time.Time) error
}

// Config is what a Front needs; zero durations and sizes take defaults.
type Config struct {
	Routes Router
	Waker  Waker
	// MaxHeld bounds the requests held per app while it wakes (default 1000).
	MaxHeld int
	// WakeTimeout is how long a request is held at most (default 2m).
	WakeTimeout time.Duration
	// TouchEvery is how often requests to a warm app refresh the wake
	// stamp, which keeps it from going idle while it serves (default 30s;
	// keep it below the apps' cooldownPeriod).
	TouchEvery time.Duration
	// MaxReplayBody bounds the request bodies kept in memory so that a
	// request whose app loses its backend before answering can be held and
	// sent again (default DefaultMaxReplayBody; negative keeps none).
	// Larger bodies stream; such a request is re-sent only if none of its
	// body was sent yet, and otherwise gets a 502 saying why.
	MaxReplayBody int64
	// Endpoints, when set, tells whether the Service of a route with
	// Endpoints set has a ready endpoint; such apps are released on
	// EndpointsChanged instead of by dialing.
	Endpoints Endpoints
	// DialContext connects to backends (probes and forwarding); nil uses
	// a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Registerer receives the front's metrics; nil registers nowhere.
	Registerer prometheus.Registerer
	Log        *zap.Logger
}

// Front is the reverse proxy; it implements http.Handler.
type Front struct {
	cfg     Config
	log     *zap.Logger
	proxy   *httputil.ReverseProxy
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	metrics *metrics
	// sliceRecheck is sliceRecheck; tests lengthen it.
	sliceRecheck time.Duration

	appsMu sync.RWMutex
	apps   map[string]*app
	known  map[string]bool // the routed apps as of the last Retain; nil before

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// routeKey carries the matched route and app through the proxy.
type routeKey struct{}

// proxied is what the proxy's hooks need of a request.
type proxied struct {
	route   *Route
	app     *app
	body    *replay
	retried bool
}

// New returns a Front. Close stops its background work.
func New(cfg Config) (*Front, error) {
	if cfg.Routes == nil || cfg.Waker == nil {
		return nil, errors.New("httpfront: Routes and Waker are required")
	}
	if cfg.MaxHeld <= 0 {
		cfg.MaxHeld = 1000
	}
	if cfg.WakeTimeout <= 0 {
		cfg.WakeTimeout = 2 * time.Minute
	}
	if cfg.MaxReplayBody == 0 {
		cfg.MaxReplayBody = DefaultMaxReplayBody
	}
	if cfg.TouchEvery <= 0 {
		cfg.TouchEvery = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Front{cfg: cfg, log: cfg.Log.Named("httpfront"), metrics: m, sliceRecheck: sliceRecheck, apps: map[string]*app{}, ctx: ctx, cancel: cancel}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 256
	f.dial = cfg.DialContext
	if f.dial == nil {
		f.dial = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	transport.DialContext = f.dial
	f.proxy = &httputil.ReverseProxy{
		Rewrite:      f.rewrite,
		Transport:    transport,
		ErrorHandler: f.proxyError,
		BufferPool:   newBufferPool(),
		ErrorLog:     zap.NewStdLog(f.log),
	}
	return f, nil
}

// Close stops the probes and wake writes and waits for them. Requests
// still held are refused as their contexts end.
func (f *Front) Close() {
	f.cancel()
	f.wg.Wait()
}

// ServeHTTP routes, counts, holds while the app wakes, and forwards.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := f.cfg.Routes.Match(r.Host, r.URL.Path)
	if rt == nil {
		f.metrics.unrouted.Inc()
		http.Error(w, "no app is routed for this host and path", http.StatusNotFound)
		return
	}
	a := f.app(rt)
	if a == nil {
		f.reject(w, rt, nil, ErrRouteRemoved)
		return
	}
	a.route.Store(rt)
	a.inflight.Add(1)
	defer a.inflight.Add(-1)
	a.rate.add(time.Now())
	f.wake(a, rt, f.cfg.TouchEvery)
	if !a.ready.Load() {
		if err := f.hold(r.Context(), a, rt); err != nil {
			f.reject(w, rt, a, err)
			return
		}
	}
	body, err := prepareBody(r, f.cfg.MaxReplayBody)
	if err != nil {
		if r.Context().Err() == nil {
			http.Error(w, "reading the request body failed", http.StatusBadRequest)
		}
		return
	}
	p := &proxied{route: rt, app: a, body: body}
	f.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, p)))
}

// rewrite points the outgoing request at the route's backend.
func (f *Front) rewrite(pr *httputil.ProxyRequest) {
	p := pr.In.Context().Value(routeKey{}).(*proxied)
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = p.route.Backend
	pr.Out.Host = pr.In.Host
	pr.SetXForwarded()
}

// proxyError handles a failed forward. A failed dial means the app lost
// its backends: it is marked not ready and the request is held and
// forwarded again, once, if its body can be sent again (see
// Config.MaxReplayBody); anything else is a 502.
func (f *Front) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	p := r.Context().Value(routeKey{}).(*proxied)
	if isDialError(err) {
		p.app.ready.Store(false)
		if !p.retried && r.Context().Err() == nil && !p.body.rewind(r) {
			f.log.Debug("backend lost after a streamed body was sent", zap.String("app", p.route.Key()))
			http.Error(w, fmt.Sprintf("the app's backend went away after part of the request body was sent; "+
				"bodies over %d bytes stream and are not re-sent", max(f.cfg.MaxReplayBody, 0)), http.StatusBadGateway)
			return
		}
		if !p.retried && r.Context().Err() == nil {
			p.retried = true
			for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
				r.Header.Del(h)
			}
			if herr := f.hold(r.Context(), p.app, p.route); herr != nil {
				f.reject(w, p.route, p.app, herr)
				return
			}
			f.proxy.ServeHTTP(w, r)
			return
		}
	}
	if r.Context().Err() != nil {
		return // the client left; nobody reads an answer
	}
	f.log.Debug("forward failed", zap.String("app", p.route.Key()), zap.Error(err))
	http.Error(w, "the app's backend failed: "+errorKind(err), http.StatusBadGateway)
}

// Reasons of sluice_http_rejected_requests_total.
const (
	reasonQueueFull   = "queue_full"
	reasonWakeTimeout = "wake_timeout"
	reasonCanceled    = "canceled"
)

// reject answers a request that could not be held or timed out. a is the
// app whose counter counts it; nil (a removed app, whose series are gone)
// counts nowhere.
func (f *Front) reject(w http.ResponseWriter, rt *Route, a *app, err error) {
	reason := reasonCanceled
	switch {
	case errors.Is(err, ErrQueueFull):
		reason = reasonQueueFull
	case errors.Is(err, ErrWakeTimeout):
		reason = reasonWakeTimeout
	case errors.Is(err, ErrRouteRemoved):
		reason = ""
	}
	if c := counterOf(a, reason); c != nil {
		c.Inc()
	}
	if reason == reasonCanceled {
		return
	}
	retry := 1
	if reason == reasonWakeTimeout {
		retry = max(1, int(f.cfg.WakeTimeout.Seconds()/4))
	}
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	http.Error(w, fmt.Sprintf("%s (app %s)", err.Error(), rt.Key()), http.StatusServiceUnavailable)
}

// errorKind names a forwarding failure without the addresses in it.
func errorKind(err error) string {
	var op *net.OpError
	switch {
	case errors.As(err, &op):
		return op.Op + " error"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "connection error"
	}
}

// counterOf returns a's rejection counter for reason, or nil.
func counterOf(a *app, reason string) prometheus.Counter {
	if a == nil {
		return nil
	}
	return a.m.rejected[reason]
}
