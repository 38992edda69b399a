package helm

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// kedaSeriesPath lists the series KEDA's dashboards and alerts read; the
// e2e test checks the same list against a running adapter and activator.
func kedaSeriesPath() string {
	return filepath.Join("..", "..", "e2e", "testdata", "keda-dashboard-series.txt")
}

// TestKEDADashboardSeriesExported checks that every series KEDA's
// dashboard and alerts read is defined by one of the programs, so that a
// KEDA dashboard keeps working after the switch.
func TestKEDADashboardSeriesExported(t *testing.T) {
	f, err := os.Open(kedaSeriesPath())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	exported := exportedSeries(t)
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		n++
		labels, ok := exported[fields[0]]
		if !ok {
			t.Errorf("KEDA's dashboard or alerts read %s, which no program exports", fields[0])
			continue
		}
		if len(fields) < 2 {
			continue
		}
		for _, l := range strings.Split(fields[1], ",") {
			if !slices.Contains(labels, l) {
				t.Errorf("KEDA's dashboard or alerts read %s by %s, which it is not exported with (labels %v)", fields[0], l, labels)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no series in %s", kedaSeriesPath())
	}
}
