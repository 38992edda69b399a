package prometheus

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Exporter serves series in the Prometheus text format. It is safe for
// concurrent use.
type Exporter struct {
	mu     sync.Mutex
	series map[string]float64
}

// NewExporter returns an exporter with no series.
func NewExporter() *Exporter {
	return &Exporter{series: make(map[string]float64)}
}

// Set sets a series, written as in the text format: a metric name with
// optional labels, for example `jobs` or `jobs{queue="a"}`. The caller
// must pass a valid name; a bad one fails the whole scrape.
func (e *Exporter) Set(series string, v float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.series[series] = v
}

// Delete removes a series; Prometheus marks it stale on its next scrape.
func (e *Exporter) Delete(series string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.series, series)
}

// ServeHTTP writes every series.
func (e *Exporter) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(e.series)) {
		b.WriteString(name)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(e.series[name], 'g', -1, 64))
		b.WriteByte('\n')
	}
	e.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, _ = w.Write([]byte(b.String()))
}
