package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/install"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// statusFixture is a ScaledObject of every state status shows.
func statusFixture() []statusRow {
	two, zero := int32(2), int32(0)
	return []statusRow{
		{
			Namespace: "apps", Name: "orders", Target: "Deployment/orders", Replicas: &two, Min: 0, Max: 10,
			Ready: "True", Active: "True",
			Triggers: []triggerRow{
				{Type: "azure-queue", Metric: "s0-azure-queue-orders", Value: "42", Target: "5"},
				{Type: "metrics-api", Name: "backlog", Metric: "s1-metric-api-value", Value: "0.5", Target: "10"},
			},
		},
		{
			Namespace: "apps", Name: "reports", Target: "StatefulSet/reports", Replicas: &zero, Min: 0, Max: 3,
			Ready: "True", Active: "False",
			Triggers: []triggerRow{{Type: "kafka", Metric: "s0-kafka-reports", Target: "50", Error: "ServiceUnavailable: the server is currently unable to handle the request"}},
		},
		{
			Namespace: "batch", Name: "broken", Target: "Deployment/missing", ReplicasError: "NotFound: deployments.apps \"missing\" not found", Min: 1, Max: 100,
			Ready: "False", Active: "",
			Reason:   "ScaleTargetNotFound: deployments.apps \"missing\" not found",
			Triggers: []triggerRow{{Type: "rabbitmq", Error: "not reported by sluice-adapter yet"}},
		},
		{
			Namespace: "batch", Name: "cpu", Target: "Deployment/web", Replicas: &two, Min: 1, Max: 5,
			Ready: "True", Active: "True",
			Triggers: []triggerRow{{Type: "cpu", Target: "60"}},
		},
	}
}

func TestWriteStatusGolden(t *testing.T) {
	tests := []struct {
		name          string
		format        string
		allNamespaces bool
		colour        bool
	}{
		{"table", "table", false, false},
		{"table-all-namespaces", "table", true, false},
		{"table-colour", "table", true, true},
		{"yaml", "yaml", true, false},
		{"json", "json", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeStatus(&buf, statusFixture(), tt.format, tt.allNamespaces, tt.colour); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "status", tt.name+".golden")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s (run with -update to accept):\n%s", path, buf.String())
			}
		})
	}
}

func TestWriteStatusRejectsUnknownFormat(t *testing.T) {
	if err := writeStatus(&bytes.Buffer{}, nil, "wide", false, false); err == nil {
		t.Error("writeStatus accepted -o wide")
	}
}

func TestCertificateExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b, err := install.NewTLS("sluice-system", now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"fresh", now, "expires 2027-01-01T00:00:00Z (in 365 days)"},
		{"due", now.Add(340 * 24 * time.Hour), "WARNING: due for renewal"},
		{"expired", now.Add(400 * 24 * time.Hour), "EXPIRED on 2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := certificateExpiry(b.Cert, "sluice-system", tt.at, 30*24*time.Hour)
			if !strings.Contains(got, tt.want) {
				t.Errorf("certificateExpiry = %q, want it to contain %q", got, tt.want)
			}
		})
	}
	if got := certificateExpiry([]byte("x"), "ns", now, time.Hour); !strings.Contains(got, "unknown") {
		t.Errorf("certificateExpiry(garbage) = %q, want unknown", got)
	}
}
