package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"
)

// report is what one scenario measured.
type report struct {
	Scenario string            `json:"scenario"`
	Quick    bool              `json:"quick"`
	Started  time.Time         `json:"started"`
	Elapsed  string            `json:"elapsed"`
	Params   map[string]string `json:"params"`
	Rows     []row             `json:"results"`
}

// row is one measured value, with its target when there is one.
type row struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Target string  `json:"target,omitempty"`
	// Met is nil when the row has no target.
	Met *bool `json:"met,omitempty"`
}

// add appends a row without a target.
func (r *report) add(name string, v float64, unit string) {
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit})
}

// addTarget appends a row with its target and whether it was met.
func (r *report) addTarget(name string, v float64, unit, target string, met bool) {
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit, Target: target, Met: &met})
}

// addLatencies appends count, p50, p90, p99 and max of s, in milliseconds.
func (r *report) addLatencies(prefix string, s summary) {
	r.add(prefix+" count", float64(s.Count), "")
	r.add(prefix+" p50", ms(s.P50), "ms")
	r.add(prefix+" p90", ms(s.P90), "ms")
	r.add(prefix+" p99", ms(s.P99), "ms")
	r.add(prefix+" max", ms(s.Max), "ms")
}

// writeTable prints r for a person.
func (r *report) writeTable(w io.Writer) error {
	fmt.Fprintf(w, "\nscenario %s (quick=%v), %s, started %s\n", r.Scenario, r.Quick, r.Elapsed, r.Started.Format(time.RFC3339))
	for _, k := range slices.Sorted(maps.Keys(r.Params)) {
		fmt.Fprintf(w, "  %s=%s\n", k, r.Params[k])
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "result\tvalue\tunit\ttarget\tmet\t")
	for _, x := range r.Rows {
		met := ""
		if x.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*x.Met]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", x.Name, formatValue(x.Value), x.Unit, x.Target, met)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// writeJSON writes r as indented JSON to path, or stdout when path is "-".
func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	b = append(b, '\n')
	if path == "-" {
		_, err = os.Stdout.Write(b)
	} else {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// formatValue prints integers without decimals and the rest with three
// significant decimals at most.
func formatValue(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// ms converts d to fractional milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
