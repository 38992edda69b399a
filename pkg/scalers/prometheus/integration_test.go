//go:build integration

package prometheus

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/scalers"
	"github.com/sluice-dev/sluice/pkg/scalers/internal/scalertest"
	peer "github.com/sluice-dev/sluice/pkg/testpeers/prometheus"
)

// eventually polls tr until check accepts the value and error, for at most
// a few scrape intervals.
func eventually(t *testing.T, tr *scalers.Trigger, what string, check func(float64, error) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * peer.ScrapeInterval)
	var v float64
	var err error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		v, err = tr.Source.Poll(ctx)
		cancel()
		if check(v, err) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: last poll gave %v, %v", what, v, err)
}

func trigger(t *testing.T, server, query string, kv ...string) *scalers.Trigger {
	t.Helper()
	meta := scalertest.With(map[string]string{"serverAddress": server, "query": query, "threshold": "10", "activationThreshold": "2"}, kv...)
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: meta})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestAgainstPrometheus(t *testing.T) {
	srv := peer.New(t)
	srv.Exporter.Set("sluice_jobs", 3)
	srv.Exporter.Set(`sluice_queue{queue="a"}`, 1)
	srv.Exporter.Set(`sluice_queue{queue="b"}`, 2)

	t.Run("follows the gauge", func(t *testing.T) {
		tr := trigger(t, srv.URL, "sluice_jobs")
		eventually(t, tr, "value 3", func(v float64, err error) bool { return err == nil && v == 3 })
		if !(3 > tr.ActivationTarget) {
			t.Fatal("3 should be active above activationThreshold 2")
		}
		srv.Exporter.Set("sluice_jobs", 1.5)
		eventually(t, tr, "value 1.5", func(v float64, err error) bool { return err == nil && v == 1.5 })
		if 1.5 > tr.ActivationTarget {
			t.Fatal("1.5 should be inactive under activationThreshold 2")
		}
	})
	t.Run("aggregated query", func(t *testing.T) {
		eventually(t, trigger(t, srv.URL, "sum(sluice_queue)"), "sum 3", func(v float64, err error) bool { return err == nil && v == 3 })
	})
	t.Run("scalar", func(t *testing.T) {
		eventually(t, trigger(t, srv.URL, "scalar(sluice_jobs) * 2"), "scalar", func(v float64, err error) bool { return err == nil && v > 0 })
	})
	t.Run("empty result ignored", func(t *testing.T) {
		eventually(t, trigger(t, srv.URL, "sluice_missing"), "0", func(v float64, err error) bool { return err == nil && v == 0 })
	})
	t.Run("empty result is an error", func(t *testing.T) {
		tr := trigger(t, srv.URL, "sluice_missing", "ignoreNullValues", "false")
		eventually(t, tr, "error", func(_ float64, err error) bool { return err != nil && strings.Contains(err.Error(), "empty result") })
	})
	t.Run("multiple series", func(t *testing.T) {
		tr := trigger(t, srv.URL, "sluice_queue")
		eventually(t, tr, "error", func(_ float64, err error) bool {
			return err != nil && strings.Contains(err.Error(), "returned 2 series") && strings.Contains(err.Error(), "aggregate")
		})
	})
	t.Run("bad query", func(t *testing.T) {
		tr := trigger(t, srv.URL, "sum(")
		eventually(t, tr, "error", func(_ float64, err error) bool {
			return err != nil && strings.Contains(err.Error(), "status 400: bad_data") && strings.Contains(err.Error(), "parse error")
		})
	})
	t.Run("server down", func(t *testing.T) {
		tr := trigger(t, "http://127.0.0.1:1", "up")
		eventually(t, tr, "error", func(_ float64, err error) bool {
			return err != nil && strings.Contains(err.Error(), "connection refused")
		})
	})
}

func BenchmarkPollPrometheus(b *testing.B) {
	srv := peer.New(b)
	srv.Exporter.Set("sluice_jobs", 3)
	tr, err := New(nil)(scalers.Config{Type: Type, Metadata: map[string]string{"serverAddress": srv.URL, "query": "sum(sluice_jobs)", "threshold": "1"}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := tr.Source.Poll(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
