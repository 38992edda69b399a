//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/boundaddrs"
)

// kedaSeries is one line of testdata/keda-dashboard-series.txt.
type kedaSeries struct {
	name   string
	labels []string
}

// readKEDASeries reads the series KEDA's dashboards and alerts use.
func readKEDASeries(t *testing.T) []kedaSeries {
	t.Helper()
	f, err := os.Open("testdata/keda-dashboard-series.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	var out []kedaSeries
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		s := kedaSeries{name: fields[0]}
		if len(fields) > 1 {
			s.labels = strings.Split(fields[1], ",")
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil || len(out) == 0 {
		t.Fatalf("read KEDA series: %v (%d lines)", err, len(out))
	}
	return out
}

// dashboardMetricNames returns the metric names the queries and variables
// of the Grafana dashboard at path name: identifiers starting with
// sluice_, apiserver_ or keda_.
func dashboardMetricNames(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	re := regexp.MustCompile(`\b(?:sluice|apiserver|keda)_[A-Za-z0-9_]*`)
	var names []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "expr" || k == "query" || k == "definition") {
					names = append(names, re.FindAllString(s, -1)...)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	slices.Sort(names)
	return slices.Compact(names)
}

// scrape reads a program's /metrics as raw text and metric families.
func scrape(ctx context.Context, port int) (string, map[string]*dto.MetricFamily, error) {
	return scrapeAddr(ctx, fmt.Sprintf("127.0.0.1:%d", port))
}

// scrapeAddr reads /metrics at addr (host:port) as raw text and metric
// families.
func scrapeAddr(ctx context.Context, addr string) (string, map[string]*dto.MetricFamily, error) {
	req, err := newGet(ctx, "http://"+addr+"/metrics")
	if err != nil {
		return "", nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("/metrics: %s\n%s", resp.Status, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	return string(body), mfs, err
}

// hasSeries reports whether mf has a series whose labels include want.
func hasSeries(mf *dto.MetricFamily, want map[string]string, names []string) bool {
	for _, m := range mf.GetMetric() {
		got := labelsOf(m)
		ok := true
		for k, v := range want {
			ok = ok && got[k] == v
		}
		for _, n := range names {
			_, has := got[n]
			ok = ok && has
		}
		if ok {
			return true
		}
	}
	return false
}

// TestMetricsKEDACompatible scrapes a real adapter and activator while the
// real HPA controller scales on a metrics-api trigger: every series KEDA's
// dashboard and alerts read is there with KEDA's labels, every series
// Sluice's own dashboard queries is there, and the trigger's URL, which
// carries a secret in its query, appears nowhere.
func TestMetricsKEDACompatible(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	src := newValueServer(t, 3)
	a := startAdapter(t, "--watch-namespace="+ns)
	_, addrs := startProgram(t, t.TempDir(), "sluice-activator", activatorArgs(ns, "--leader-elect=false"))
	activatorPort := addrs[boundaddrs.Metrics].Port
	createDeployment(t, ns, "worker", 0)
	const secret = "s3cret-c0de-in-the-url"
	so := scalingObject(ns, "worker", src.URL+"/?code="+secret)
	if _, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Create(ctx, so, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitReplicas(t, phase, "activated to 1", 1, func() int32 { return deploymentReplicas(t, ns, "worker") })

	kedaSeries := readKEDASeries(t)
	sluiceNames := dashboardMetricNames(t, "../deploy/grafana/sluice-dashboard.json")
	if len(sluiceNames) < 5 {
		t.Fatalf("the Sluice dashboard names only %v", sluiceNames)
	}
	obj := map[string]string{"namespace": ns, "scaledObject": "worker"}
	var text string
	// Counters of the apiserver library appear once the HPA controller has
	// read the metric; wait for everything rather than for one sign.
	eventually(t, phase, "every dashboard series exported", func() error {
		var families = map[string]*dto.MetricFamily{}
		text = ""
		for _, port := range []int{a.metricsPort, activatorPort} {
			body, mfs, err := scrape(ctx, port)
			if err != nil {
				return err
			}
			text += body
			for name, mf := range mfs {
				families[name] = mf
			}
		}
		var missing []string
		for _, s := range kedaSeries {
			mf := families[s.name]
			want := obj
			if len(s.labels) == 0 {
				want = nil
			}
			if mf == nil || !hasSeries(mf, want, s.labels) {
				missing = append(missing, fmt.Sprintf("KEDA's %s with labels %v for %s/worker", s.name, s.labels, ns))
			}
		}
		for _, name := range sluiceNames {
			if strings.HasPrefix(name, "sluice_http_") {
				continue // sluice-http's series: TestHTTPNeverReady checks them on a real front
			}
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
			if families[name] == nil && families[base] == nil {
				missing = append(missing, "the Sluice dashboard's "+name)
			}
		}
		value := families["keda_scaler_metrics_value"]
		if value == nil || !hasSeries(value, map[string]string{
			"namespace": ns, "scaledObject": "worker", "scaler": "metricsAPIScaler", "triggerIndex": "0",
			"type": "scaledobject", "metric": "s0-metric-api-value",
		}, nil) {
			missing = append(missing, "keda_scaler_metrics_value with KEDA's label values")
		}
		if len(missing) > 0 {
			return fmt.Errorf("missing: %s", strings.Join(missing, "; "))
		}
		return nil
	})
	if n := strings.Count(text, secret); n > 0 {
		t.Errorf("/metrics shows the secret of the trigger's URL %d times", n)
	}
	allowed := []string{"namespace", "metric", "scaledObject", "scaler", "triggerIndex", "type"}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "keda_") {
			continue
		}
		for _, m := range regexp.MustCompile(`([A-Za-z_]+)="`).FindAllStringSubmatch(line, -1) {
			if !slices.Contains(allowed, m[1]) {
				t.Errorf("label %s is not one of KEDA's: %s", m[1], line)
			}
		}
	}
	t.Logf("FIGURE keda-metrics: %d KEDA series and %d Sluice dashboard names found on a real adapter and activator", len(kedaSeries), len(sluiceNames))
}

// labelsOf returns the labels of the series m.
func labelsOf(m *dto.Metric) map[string]string {
	out := make(map[string]string, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		out[lp.GetName()] = lp.GetValue()
	}
	return out
}
