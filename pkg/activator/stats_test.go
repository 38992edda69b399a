package activator

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestKEDAPausedMetric: keda_scaled_object_paused follows the pause
// annotations and goes with the object.
func TestKEDAPausedMetric(t *testing.T) {
	reg := prometheus.NewRegistry()
	stats := NewStats(reg, KEDACompatibleMetrics())
	run := func(objects ...*v1alpha1.ScaledObject) {
		t.Helper()
		f := newFixture(t)
		f.stats = stats
		f.objects = objects
		f.replicas["deployments/web"] = 1
		f.run("so")
	}
	const header = `
# HELP keda_scaled_object_paused KEDA-compatible: 1 when the ScaledObject is paused by annotation, else 0.
# TYPE keda_scaled_object_paused gauge
`
	run(scaledObject("so", withAnnotation(v1alpha1.AnnotationPaused, "true")))
	if err := testutil.GatherAndCompare(reg, strings.NewReader(header+`keda_scaled_object_paused{namespace="`+ns+`",scaledObject="so"} 1
`), "keda_scaled_object_paused"); err != nil {
		t.Error(err)
	}
	run(scaledObject("so"))
	if err := testutil.GatherAndCompare(reg, strings.NewReader(header+`keda_scaled_object_paused{namespace="`+ns+`",scaledObject="so"} 0
`), "keda_scaled_object_paused"); err != nil {
		t.Error(err)
	}
	run()
	if n, err := testutil.GatherAndCount(reg, "keda_scaled_object_paused"); err != nil || n != 0 {
		t.Errorf("series after deletion = %d, %v", n, err)
	}
}

func TestKEDAPausedMetricOff(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := newFixture(t)
	f.stats = NewStats(reg)
	f.runSO(1, withAnnotation(v1alpha1.AnnotationPaused, "true"))
	if n, err := testutil.GatherAndCount(reg, "keda_scaled_object_paused"); err != nil || n != 0 {
		t.Errorf("series = %d, %v; want none without KEDACompatibleMetrics", n, err)
	}
}
