package httpfront

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// BenchmarkAddedLatency measures, in the same run, a request straight to a
// warm backend and the same request through the front, alternating, and
// reports the p50 and p99 of both and the p99 the front adds: a GET, and
// a POST of 1 KiB, which the front buffers so that it can re-send it.
func BenchmarkAddedLatency(b *testing.B) {
	b.Run("GET", func(b *testing.B) { benchAddedLatency(b, nil) })
	b.Run("POST-1KiB", func(b *testing.B) { benchAddedLatency(b, bytes.Repeat([]byte("x"), 1024)) })
}

// benchAddedLatency is BenchmarkAddedLatency with body (nil: a GET).
func benchAddedLatency(b *testing.B, body []byte) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("ok"))
	}))
	defer backend.Close()
	addr := backend.Listener.Addr().String()
	f, err := New(Config{
		Routes: NewTable([]*Route{{Namespace: "ns", Name: "web", PathPrefix: "/", Backend: addr}}),
		Waker:  &testApp{},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	front := httptest.NewServer(f)
	defer front.Close()
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(url string) time.Duration {
		start := time.Now()
		var resp *http.Response
		var err error
		if body == nil {
			resp, err = c.Get(url)
		} else {
			resp, err = c.Post(url, "application/octet-stream", bytes.NewReader(body))
		}
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %s", url, resp.Status)
		}
		return time.Since(start)
	}
	get(front.URL) // warm: the first request holds until the probe sees the backend
	direct := make([]time.Duration, 0, b.N)
	via := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		direct = append(direct, get(backend.URL))
		via = append(via, get(front.URL))
	}
	b.StopTimer()
	dp50, dp99 := percentiles(direct)
	fp50, fp99 := percentiles(via)
	b.ReportMetric(float64(dp50.Microseconds()), "direct-p50-µs")
	b.ReportMetric(float64(dp99.Microseconds()), "direct-p99-µs")
	b.ReportMetric(float64(fp50.Microseconds()), "front-p50-µs")
	b.ReportMetric(float64(fp99.Microseconds()), "front-p99-µs")
	b.ReportMetric(float64((fp99 - dp99).Microseconds()), "added-p99-µs")
}

// percentiles returns the p50 and p99 of d.
func percentiles(d []time.Duration) (time.Duration, time.Duration) {
	slices.Sort(d)
	return d[len(d)/2], d[len(d)*99/100]
}

// BenchmarkMatch measures route lookup among 1000 apps.
func BenchmarkMatch(b *testing.B) {
	var routes []*Route
	for i := range 1000 {
		routes = append(routes, &Route{Namespace: "ns", Name: string(rune('a' + i%26)), Hosts: []string{"h" + string(rune('a'+i%26)) + ".example.com"}, PathPrefix: "/p" + string(rune('a'+i%26))})
	}
	t := NewTable(routes)
	b.ResetTimer()
	for range b.N {
		if t.Match("hq.example.com:80", "/pq/x") == nil {
			b.Fatal("no match")
		}
	}
}
