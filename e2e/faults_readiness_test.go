//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestFaultLongPollingIntervalsUnderLoad: objects whose first polls are
// spread over five minutes are created while an HPA-like reader keeps
// reading another object's metric. The adapter stays ready and no read
// fails: readiness means "can serve", not "every source polled".
func TestFaultLongPollingIntervalsUnderLoad(t *testing.T) {
	const objects = 50
	ctx := context.Background()
	ns := namespace(t)
	a := startAdapter(t, "--watch-namespace="+ns)
	src := newValueServer(t, 4)
	keda := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	if _, err := keda.Create(ctx, metricsAPIObject(ns, "steady", src.URL), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, phase, "the steady object served", func() error {
		_, err := externalMetric(ctx, t, ns, "s0-metric-api-value", "steady")
		return err
	})

	created := make(chan error, 1)
	go func() {
		for i := range objects {
			so := metricsAPIObject(ns, fmt.Sprintf("slow-%d", i), fmt.Sprintf("%s/?id=%d", src.URL, i), func(so *v1alpha1.ScaledObject) {
				so.Spec.PollingInterval = ptr.To[int32](300)
			})
			if _, err := keda.Create(ctx, so, metav1.CreateOptions{}); err != nil {
				created <- err
				return
			}
		}
		created <- nil
	}()

	var reads, failed, notReady int
	deadline := time.Now().Add(20 * time.Second)
	done := false
	for time.Now().Before(deadline) || !done {
		select {
		case err := <-created:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
		reads++
		if _, err := externalMetric(ctx, t, ns, "s0-metric-api-value", "steady"); err != nil {
			failed++
			t.Logf("read %d failed: %v", reads, err)
		}
		if readyzOK(ctx, fmt.Sprintf("127.0.0.1:%d", a.metricsPort)) != nil {
			notReady++
		}
	}
	apiservice, err := dynamicClient(t).Resource(apiServicesGVR()).Get(ctx, "v1beta1.external.metrics.k8s.io", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	available := false
	conds, _, _ := unstructured.NestedSlice(apiservice.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Available" && m["status"] == "True" {
			available = true
		}
	}
	t.Logf("FIGURE long-intervals: %d objects with pollingInterval 300 created under load; %d metric reads, %d failed; /readyz not ready %d times; APIService Available=%v",
		objects, reads, failed, notReady, available)
	if failed > 0 || notReady > 0 || !available {
		t.Errorf("%d of %d reads failed, /readyz not ready %d times, APIService available %v: want none, none, true", failed, reads, notReady, available)
	}
}
