package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// view draws the live table. On a terminal it redraws the table in place
// (ANSI cursor movement) below the notes; elsewhere (CI, a pipe) it
// appends notes and a row whenever the values change.
type view struct {
	out     io.Writer
	tty     bool
	drawn   int    // table lines on screen (terminal only)
	lastRow string // values of the last row printed (plain only)
}

// newView returns a view for out; it redraws in place only when out is a
// terminal.
func newView(out io.Writer) *view {
	tty := false
	if f, ok := out.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &view{out: out, tty: tty}
}

const tableHeader = "  TIME     QUEUE  METRIC (HPA sees)  HPA DESIRED  REPLICAS  ACTIVE  READY"

// render shows the notes (permanently) and the table for s at elapsed.
func (v *view) render(elapsed time.Duration, s snapshot, notes []string) {
	values := fmt.Sprintf("%5s  %17s  %11s  %8s  %6s  %5s", num(s.queue), s.metric, num(s.hpaDesired), num(s.replicas), s.active, s.ready)
	row := "  " + clock(elapsed) + "  " + values
	if !v.tty {
		for _, n := range notes {
			fmt.Fprintln(v.out, n)
		}
		if v.lastRow == "" {
			fmt.Fprintln(v.out, tableHeader)
		}
		if values != v.lastRow {
			fmt.Fprintln(v.out, row)
			v.lastRow = values
		}
		return
	}
	if v.drawn > 0 {
		fmt.Fprintf(v.out, "\x1b[%dA\x1b[J", v.drawn) // up over the old table, clear below
	}
	for _, n := range notes {
		fmt.Fprintln(v.out, n)
	}
	lines := []string{"", "\x1b[1m" + tableHeader + "\x1b[0m", row}
	if s.problemText != "" {
		lines = append(lines, "  \x1b[2m(waiting: "+truncate(s.problemText, 90)+")\x1b[0m")
	}
	for _, l := range lines {
		fmt.Fprintln(v.out, l)
	}
	v.drawn = len(lines)
}

// num shows -1 as "-".
func num(n int) string {
	if n < 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

// clock formats d as mm:ss.t.
func clock(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	m := int(d / time.Minute)
	s := (d % time.Minute).Seconds()
	return fmt.Sprintf("%02d:%04.1f", m, s)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
