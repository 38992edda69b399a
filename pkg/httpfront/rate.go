package httpfront

import (
	"sync"
	"time"
)

// rateWindowSeconds is how far back the request rate looks.
const rateWindowSeconds = 10

// rateWindow counts requests in one-second buckets over the last
// rateWindowSeconds seconds.
type rateWindow struct {
	mu      sync.Mutex
	counts  [rateWindowSeconds]int64
	seconds [rateWindowSeconds]int64
}

// add counts one request at now.
func (w *rateWindow) add(now time.Time) {
	s := now.Unix()
	i := s % rateWindowSeconds
	w.mu.Lock()
	if w.seconds[i] != s {
		w.seconds[i], w.counts[i] = s, 0
	}
	w.counts[i]++
	w.mu.Unlock()
}

// rate returns the requests per second over the window ending at now.
func (w *rateWindow) rate(now time.Time) float64 {
	s := now.Unix()
	var n int64
	w.mu.Lock()
	for i := range w.counts {
		if age := s - w.seconds[i]; age >= 0 && age < rateWindowSeconds {
			n += w.counts[i]
		}
	}
	w.mu.Unlock()
	return float64(n) / rateWindowSeconds
}
