//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestKEDAMetricNameThroughKubeAPIServer checks that a metric named as KEDA
// names it, keeping upper case and '_', passes the real aggregator and the
// HPA's validation, and that a metadata key no parameter reads reaches the
// trigger's status as a warning.
func TestKEDAMetricNameThroughKubeAPIServer(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	startAdapter(t, "--watch-namespace="+ns)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"Queue_Depth": {"EU": 12}}`)
	}))
	t.Cleanup(src.Close)
	const metric = "s0-metric-api-Queue_Depth-EU" // KEDA: '.' becomes '-', case and '_' stay
	so := metricsAPIObject(ns, "kedanames", src.URL, func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers[0].Metadata["valueLocation"] = "Queue_Depth.EU"
		so.Spec.Triggers[0].Metadata["targetValu"] = "5" // a typo: warned about, not fatal
	})
	if _, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "the KEDA-named metric through kube-apiserver", servedIs(ctx, t, ns, metric, "kedanames", "12"))
	eventually(t, 15*time.Second, "the unknown key in status", func() error {
		got, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Get(ctx, "kedanames", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if len(got.Status.Triggers) != 1 || got.Status.Triggers[0].MetricName != metric ||
			!strings.Contains(got.Status.Triggers[0].Warning, `"targetValu" is not a parameter`) {
			return fmt.Errorf("triggers = %+v", got.Status.Triggers)
		}
		return nil
	})
}
