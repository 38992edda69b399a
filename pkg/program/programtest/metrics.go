package programtest

import (
	"testing"

	"github.com/sluice-dev/sluice/pkg/metricset"
)

// KEDACompatibleMetrics checks the metric families a program exports with
// --keda-compatible-metrics on and off: own either way, keda only when on.
// metrics returns the program's families with the flag set to keda.
func KEDACompatibleMetrics(t *testing.T, metrics func(keda bool) ([]metricset.Family, error), own []metricset.Family, keda metricset.Family) {
	t.Helper()
	tests := []struct {
		name   string
		keda   bool
		want   []metricset.Family
		absent []string
	}{
		{"KEDA's series on", true, append(own[:len(own):len(own)], keda), nil},
		{"KEDA's series off", false, own, []string{keda.Name}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fams, err := metrics(tt.keda)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range metricset.Diff(fams, tt.want, tt.absent) {
				t.Error(d)
			}
		})
	}
}
