//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	sbpeer "github.com/sluice-dev/sluice/pkg/testpeers/servicebus"
)

// TestServiceBusFunctionsApp deploys the dotnet-servicebus fixture project
// (a queue function and a session topic subscription function, with
// host.json concurrency) with `sluice deploy --dry-run`, its connection
// strings pointing at a Service Bus management peer, and follows the real
// HPA controller: 0 → 1 on the first message, 1 → n, n → 1 and 1 → 0 as
// the peer's counts change. The adapter reads the counts with the Azure
// SDK's admin client over TLS; it trusts the peer's CA through
// SSL_CERT_FILE, as an operator would give it a private CA.
func TestServiceBusFunctionsApp(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	peer := sbpeer.New(t, sbpeer.Options{})
	peer.SetQueue("orders", sbpeer.Counts{})
	peer.SetSubscription("invoices", "billing", sbpeer.Counts{})
	caFile := filepath.Join(t.TempDir(), "servicebus-ca.pem")
	if err := os.WriteFile(caFile, peer.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", caFile) // inherited by the adapter

	dir := projectWithBus(t, "../pkg/appmanifests/testdata/projects/dotnet-servicebus", peer.ConnectionString())
	res := sluiceCLI(t, cluster, "deploy", "--name", "shop-bus", "--namespace", ns, "--image-name", "registry.example/shop-bus:1",
		"--dry-run", "--polling-interval", "1", "--cooldown-period", "5", "--max-replicas", "10", dir)
	if res.err != nil {
		t.Fatalf("sluice deploy --dry-run: %v", res.err)
	}
	if n := applyManifests(t, ns, []byte(res.out)); n != 3 || t.Failed() {
		t.Fatalf("applied %d objects, want the Secret, the Deployment and the ScaledObject", n)
	}

	a := startAdapter(t, "--watch-namespace="+ns)
	startActivator(t, ns)
	replicas := func() int32 { return deploymentReplicas(t, ns, "shop-bus") }
	eventually(t, phase, "the HPA exists", func() error {
		_, err := cluster.Client.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, "keda-hpa-shop-bus", metav1.GetOptions{})
		return err
	})
	served := func(metric string, want string) func() error { return servedIs(ctx, t, ns, metric, "shop-bus", want) }
	eventually(t, phase, "zero served for the queue", served("s1-azure-servicebus-orders", "0"))
	holdReplicas(t, 3*time.Second, "idle at 0", 0, ns, "shop-bus")

	peer.SetQueue("orders", sbpeer.Counts{Active: 1, DeadLetter: 50})
	waitReplicas(t, phase, "activated to 1 by one active message", 1, replicas)

	peer.SetQueue("orders", sbpeer.Counts{Active: 26})
	peer.SetSubscription("invoices", "billing", sbpeer.Counts{Active: 3, Scheduled: 40})
	eventually(t, phase, "26 active messages served for the queue", served("s1-azure-servicebus-orders", "26"))
	eventually(t, phase, "3 active messages served for the subscription", served("s0-azure-servicebus-invoices", "3"))
	waitReplicas(t, phase, "the HPA scales to ceil(26/4), host.json's maxConcurrentCalls", 7, replicas)

	peer.SetQueue("orders", sbpeer.Counts{Active: 2})
	peer.SetSubscription("invoices", "billing", sbpeer.Counts{})
	waitReplicas(t, phase, "the HPA scales back to 1", 1, replicas)
	peer.SetQueue("orders", sbpeer.Counts{})
	waitReplicas(t, phase, "deactivated to 0 after the cooldown", 0, replicas)

	so, err := kedaClient(t).KedaV1alpha1().ScaledObjects(ns).Get(ctx, "shop-bus", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(so.Status)
	if !strings.Contains(string(raw), "local Service Bus") {
		t.Errorf("status %s: want the local Service Bus warning", raw)
	}
	if strings.Contains(string(raw), peer.Key()) {
		t.Error("the status holds the key")
	}
	if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("Active = %+v, want False", c)
	}
	a.stopExpectingNoSecrets(t, map[string]string{"the key": peer.Key(), "a signature": "SharedAccessSignature sr="})
}

// projectWithBus copies the Functions project src to a temporary directory
// with every Service Bus connection setting replaced by conn.
func projectWithBus(t *testing.T, src, conn string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "local.settings.json" {
			var settings map[string]any
			if err := json.Unmarshal(data, &settings); err != nil {
				return err
			}
			values := settings["Values"].(map[string]any)
			for k, v := range values {
				if s, ok := v.(string); ok && strings.Contains(s, ".servicebus.windows.net") {
					values[k] = conn
				}
			}
			if data, err = json.Marshal(settings); err != nil {
				return err
			}
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
