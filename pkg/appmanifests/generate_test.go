package appmanifests

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/functions"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func ptr(v int32) *int32 { return &v }

// TestGolden generates the manifests of every fixture project and compares
// them, with warnings or the error, to testdata/golden/<case>.golden.
func TestGolden(t *testing.T) {
	queue := v1alpha1.ScaleTriggers{Type: "azure-queue", Metadata: map[string]string{
		"queueName": "jobs", "connectionFromEnv": "AzureWebJobsStorage",
	}}
	tests := []struct {
		name    string
		project string
		opts    Options
	}{
		{name: "node-queues", project: "node-queues", opts: Options{
			Name: "orders", Namespace: "apps", Image: "registry.example/orders:1",
			PullSecret: "regcred", MaxReplicas: ptr(20),
			HTTPPrometheusServer: "http://prometheus.monitoring:9090", HTTPTarget: 50,
		}},
		{name: "python-kafka", project: "python-kafka", opts: Options{
			Name: "events", Namespace: "data", Image: "registry.example/events:2",
			PollingInterval: ptr(15), CooldownPeriod: ptr(120), MinReplicas: ptr(1), UseConfigMap: true,
		}},
		{name: "dotnet-isolated", project: "dotnet-isolated", opts: Options{
			Name: "shop", Namespace: "shop", Image: "registry.example/shop:3", ServiceType: "LoadBalancer",
		}},
		{name: "dotnet-isolated-scale-to-zero", project: "dotnet-isolated", opts: Options{
			Name: "shop", Namespace: "shop", Image: "registry.example/shop:3",
			HTTPScaleToZero: true, HTTPHosts: []string{"shop.example.com"}, CooldownPeriod: ptr(600),
		}},
		{name: "dotnet-servicebus", project: "dotnet-servicebus", opts: Options{Name: "shop-bus", Namespace: "shop", Image: "registry.example/shop-bus:1"}},
		{name: "node-eventhub", project: "node-eventhub", opts: Options{
			Name: "telemetry", Namespace: "iot", Image: "registry.example/telemetry:1", MaxReplicas: ptr(8),
		}},
		{name: "timer", project: "timer", opts: Options{Name: "jobs", Namespace: "default", Image: "jobs:1"}},
		{name: "broken", project: "broken", opts: Options{Name: "broken", Namespace: "default", Image: "broken:1"}},
		{name: "python-v2", project: "python-v2", opts: Options{Name: "v2", Namespace: "default", Image: "v2:1"}},
		{name: "python-v2-trigger", project: "python-v2", opts: Options{
			Name: "v2", Namespace: "default", Image: "v2:1", Triggers: []v1alpha1.ScaleTriggers{queue},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := generateCase(filepath.Join("testdata", "projects", tt.project), tt.opts)
			path := filepath.Join("testdata", "golden", tt.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run with -update to accept):\n%s", path, got)
			}
		})
	}
}

// generateCase loads and generates one project the way deploy does and
// renders the result: "# warning:" lines then YAML, or "# error:".
func generateCase(dir string, o Options) string {
	p, err := functions.Load(dir)
	var none *functions.NoFunctionsError
	if errors.As(err, &none) && len(o.Triggers) > 0 {
		p, err = none.Project, nil
	}
	if err != nil {
		return "# error: " + strings.ReplaceAll(err.Error(), dir, "DIR") + "\n"
	}
	m, err := Generate(p, o)
	if err != nil {
		return "# error: " + err.Error() + "\n"
	}
	var b strings.Builder
	for _, w := range m.Warnings {
		b.WriteString("# warning: " + w + "\n")
	}
	out, err := Render(m.Objects, FormatYAML)
	if err != nil {
		return "# error: " + err.Error() + "\n"
	}
	b.Write(out)
	return b.String()
}
