//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// TestAdapterServesMetricsThroughKubeAPIServer runs the adapter as its own
// process behind the real aggregator and follows one ScaledObject from
// creation to deletion.
func TestAdapterServesMetricsThroughKubeAPIServer(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	a := startAdapter(t, "--watch-namespace="+ns) // other tests' objects may linger in terminating namespaces
	src := newValueServer(t, 42)
	keda := kedaClient(t)
	const metric = "s0-metric-api-value"

	if _, err := keda.KedaV1alpha1().ScaledObjects(ns).Create(ctx, metricsAPIObject(ns, "web", src.URL), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantValue := func(want string) func() error { return servedIs(ctx, t, ns, metric, "web", want) }
	eventually(t, 10*time.Second, "first value", wantValue("42"))

	src.set(7.5)
	eventually(t, 10*time.Second, "changed value", wantValue("7500m"))

	t.Run("status", func(t *testing.T) {
		eventually(t, 10*time.Second, "Active=True in status", func() error {
			so, err := keda.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				return err
			}
			c := so.Status.Condition(v1alpha1.ConditionActive)
			if c == nil || c.Status != metav1.ConditionTrue || c.Reason != "TriggerActive" {
				return fmt.Errorf("Active condition = %+v", c)
			}
			if len(so.Status.Triggers) != 1 || so.Status.Triggers[0].MetricName != metric || so.Status.Triggers[0].Target != "5" || !so.Status.Triggers[0].Healthy {
				return fmt.Errorf("triggers = %+v", so.Status.Triggers)
			}
			if so.Status.TriggersTypes != "metrics-api" || so.Status.LastActiveTime == nil {
				return fmt.Errorf("triggersTypes %q, lastActiveTime %v", so.Status.TriggersTypes, so.Status.LastActiveTime)
			}
			return nil
		})
		src.set(0)
		eventually(t, 10*time.Second, "Active=False in status", func() error {
			so, err := keda.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				return err
			}
			if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionFalse {
				return fmt.Errorf("Active condition = %+v", c)
			}
			return nil
		})
	})

	t.Run("no status write per poll", func(t *testing.T) {
		before, err := keda.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Four polls with an unchanged outcome, counted at the source. The
		// status is published after the value is stored, so wait for one
		// more poll than is checked.
		hits := src.hits.Load()
		eventually(t, time.Minute, "five more polls", func() error {
			if n := src.hits.Load() - hits; n < 5 {
				return fmt.Errorf("%d polls", n)
			}
			return nil
		})
		after, err := keda.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if before.ResourceVersion != after.ResourceVersion {
			t.Errorf("the ScaledObject was written while nothing changed (resourceVersion %s -> %s)", before.ResourceVersion, after.ResourceVersion)
		}
	})

	t.Run("own metrics", func(t *testing.T) {
		body, _, err := scrape(ctx, a.metricsPort)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"sluice_poll_sources 1",
			`sluice_scaler_metrics_value{metric="s0-metric-api-value",namespace="` + ns + `",scaledObject="web",trigger="metrics-api"}`,
			"sluice_scaler_poll_duration_seconds_bucket",
			"apiserver_request_total",
			"go_goroutines",
		} {
			if !strings.Contains(body, want) {
				name, _, _ := strings.Cut(want, "{")
				name, _, _ = strings.Cut(name, " ")
				t.Errorf("/metrics lacks %s; its %s lines:\n%s", want, name, grepLines(body, name))
			}
		}
	})

	t.Run("unknown metric is 404", func(t *testing.T) {
		_, err := externalMetric(ctx, t, ns, "s9-nothing", "web")
		if !apierrors.IsNotFound(err) {
			t.Errorf("error = %v, want 404", err)
		}
	})

	if err := keda.KedaV1alpha1().ScaledObjects(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "404 after delete", func() error {
		return gone(externalMetric(ctx, t, ns, metric, "web"))
	})
}

// TestAdapterReportsBadMetadata gives the adapter a trigger it cannot build
// beside a good one: the bad one is reported in status and an Event, the
// good one is served, and the process keeps running.
func TestAdapterReportsBadMetadata(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	a := startAdapter(t)
	src := newValueServer(t, 3)
	keda := kedaClient(t)
	so := metricsAPIObject(ns, "mixed", src.URL, func(so *v1alpha1.ScaledObject) {
		so.Spec.Triggers = append(so.Spec.Triggers,
			v1alpha1.ScaleTriggers{Type: "metrics-api", Metadata: map[string]string{"url": src.URL, "valueLocation": "value", "targetValue": "lots"}},
			v1alpha1.ScaleTriggers{Type: "no-such-trigger", Metadata: map[string]string{}},
		)
	})
	if _, err := keda.KedaV1alpha1().ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "invalid triggers in status", func() error {
		got, err := keda.KedaV1alpha1().ScaledObjects(ns).Get(ctx, "mixed", metav1.GetOptions{})
		if err != nil {
			return err
		}
		ts := got.Status.Triggers
		if len(ts) != 3 {
			return fmt.Errorf("triggers = %+v", ts)
		}
		if !strings.Contains(ts[1].LastError, `parameter "targetValue"`) || ts[1].Healthy {
			return fmt.Errorf("trigger 1 = %+v, want an error naming targetValue", ts[1])
		}
		if !strings.Contains(ts[2].LastError, "no-such-trigger") {
			return fmt.Errorf("trigger 2 = %+v, want an error naming the type", ts[2])
		}
		return nil
	})
	eventually(t, 10*time.Second, "the good trigger is served", func() error {
		_, err := externalMetric(ctx, t, ns, "s0-metric-api-value", "mixed")
		return err
	})
	eventually(t, 10*time.Second, "a Warning event", func() error {
		events, err := cluster.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, e := range events.Items {
			if e.Type == corev1.EventTypeWarning && e.Reason == "InvalidTrigger" && e.InvolvedObject.Name == "mixed" {
				return nil
			}
		}
		return fmt.Errorf("no InvalidTrigger event among %d", len(events.Items))
	})
	if a.Exited() {
		t.Fatal("the adapter exited")
	}
}

// TestAdapterRefusesUnauthenticatedRequests calls the adapter directly,
// without a client certificate or token.
func TestAdapterRefusesUnauthenticatedRequests(t *testing.T) {
	a := startAdapter(t)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the test checks authentication, not the certificate
	url := fmt.Sprintf("https://127.0.0.1:%d/apis/external.metrics.k8s.io/v1beta1/namespaces/default/s0-metric-api-value?labelSelector=scaledobject.keda.sh%%2Fname%%3Dweb", a.port)
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %s, want 401 or 403", resp.Status)
	}
}

// grepLines returns the lines of s that start with prefix.
func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
