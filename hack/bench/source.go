package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// valueServer is the metrics-api endpoint on 127.0.0.1: it answers every
// path and query with {"value": v}, v set by the benchmark.
type valueServer struct {
	url   string
	milli atomic.Int64
	hits  atomic.Int64
	srv   *http.Server
	wg    sync.WaitGroup
}

// startValueServer listens on a free loopback port and serves v.
func startValueServer(v float64) (*valueServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the metrics-api endpoint: %w", err)
	}
	s := &valueServer{url: "http://" + l.Addr().String() + "/value"}
	s.set(v)
	s.srv = &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			s.hits.Add(1)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"value": %g}`, float64(s.milli.Load())/1000)
		}),
	}
	s.wg.Go(func() {
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("metrics-api endpoint: %v\n", err)
		}
	})
	return s, nil
}

// set changes the value served from the next request on.
func (s *valueServer) set(v float64) { s.milli.Store(int64(v * 1000)) }

// stop closes the server and waits for it.
func (s *valueServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	s.wg.Wait()
}
