//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/metrics/pkg/apis/external_metrics/v1beta1"
	externalmetrics "k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/boundaddrs"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// adapter is a sluice-adapter process registered as the cluster's
// external-metrics API.
type adapter struct {
	*testenv.Process
	port, metricsPort int
}

// startAdapter runs sluice-adapter against the shared control plane with a
// serving certificate that kube-apiserver verifies, registers it once it
// serves (so that every request the aggregator proxies reaches this
// process) and waits until kube-apiserver serves the API through it
// (testenv's StartAdapter). It stops in t.Cleanup.
func startAdapter(t *testing.T, extraArgs ...string) *adapter {
	t.Helper()
	args := append([]string{"--log-level=debug", "--namespace=default"}, extraArgs...)
	p, addrs, err := cluster.StartAdapter(context.Background(), t.TempDir(), filepath.Join(binDir, "sluice-adapter"), args...)
	if err != nil {
		t.Fatal(err)
	}
	stopInCleanup(t, "sluice-adapter", p)
	return &adapter{Process: p, port: addrs[boundaddrs.Secure].Port, metricsPort: addrs[boundaddrs.Metrics].Port}
}

// adapterArgs are the arguments of a sluice-adapter process serving with
// the certificate files against the shared control plane, then extra.
func adapterArgs(certFile, keyFile string, extra ...string) []string {
	return append([]string{
		"--kubeconfig=" + cluster.Kubeconfig,
		"--authentication-kubeconfig=" + cluster.Kubeconfig,
		"--authorization-kubeconfig=" + cluster.Kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--tls-cert-file=" + certFile,
		"--tls-private-key-file=" + keyFile,
		"--log-level=debug",
	}, extra...)
}

// registerAdapter registers the adapter (or adapters) on localhost:port,
// trusting caBundle, as the cluster's external metrics API and waits until
// kube-apiserver serves it.
func registerAdapter(t *testing.T, port int, caBundle []byte) {
	t.Helper()
	if err := cluster.ServeExternalMetrics(context.Background(), nil, port, caBundle); err != nil {
		t.Fatal(err)
	}
}

// valueServer is a metrics-api endpoint on 127.0.0.1 serving {"value": v},
// or failing with 500 while fail is set.
type valueServer struct {
	*httptest.Server
	milli atomic.Int64
	hits  atomic.Int64
	fail  atomic.Bool
}

func newValueServer(t *testing.T, v float64) *valueServer {
	t.Helper()
	s := &valueServer{}
	s.set(v)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		if s.fail.Load() {
			http.Error(w, "source broken", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, `{"value": %g}`, float64(s.milli.Load())/1000)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *valueServer) set(v float64) { s.milli.Store(int64(v * 1000)) }

// kedaClient returns a typed client for keda.sh objects.
func kedaClient(t *testing.T) versioned.Interface {
	t.Helper()
	return newClient(t, cluster, versioned.NewForConfig)
}

// createSecretAuth creates the TriggerAuthentication name in ns with ref as
// its one secretTargetRef.
func createSecretAuth(t *testing.T, ns, name string, ref v1alpha1.AuthSecretTargetRef) {
	t.Helper()
	auth := &v1alpha1.TriggerAuthentication{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.TriggerAuthenticationSpec{SecretTargetRef: []v1alpha1.AuthSecretTargetRef{ref}},
	}
	if _, err := kedaClient(t).KedaV1alpha1().TriggerAuthentications(ns).Create(context.Background(), auth, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// metricsAPIObject returns a ScaledObject with one metrics-api trigger
// reading url, polled every second.
func metricsAPIObject(ns, name, url string, mutate ...func(*v1alpha1.ScaledObject)) *v1alpha1.ScaledObject {
	one := int32(1)
	so := &v1alpha1.ScaledObject{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef:  &v1alpha1.ScaleTarget{Name: name},
			PollingInterval: &one,
			Triggers: []v1alpha1.ScaleTriggers{{
				Type:     "metrics-api",
				Metadata: map[string]string{"url": url, "valueLocation": "value", "targetValue": "5"},
			}},
		},
	}
	for _, m := range mutate {
		m(so)
	}
	return so
}

// externalMetric reads a metric through kube-apiserver, as the HPA does.
func externalMetric(ctx context.Context, t *testing.T, ns, metric, object string) (*v1beta1.ExternalMetricValueList, error) {
	t.Helper()
	c := newClient(t, cluster, externalmetrics.NewForConfig)
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: object})
	return c.NamespacedMetrics(ns).List(metric, sel)
}

// stopExpectingNoSecrets stops the adapter and fails t for each secret
// (described by its key) that its log holds.
func (a *adapter) stopExpectingNoSecrets(t *testing.T, secrets map[string]string) {
	t.Helper()
	a.Stop(10 * time.Second)
	logs, err := os.ReadFile(a.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	for name, secret := range secrets {
		if strings.Contains(string(logs), secret) {
			t.Errorf("the adapter's log holds %s", name)
		}
	}
}

// servedIs returns a check that the metrics API, read through
// kube-apiserver, serves one value of metric for the ScaledObject
// ns/object, and that it reads want.
func servedIs(ctx context.Context, t *testing.T, ns, metric, object, want string) func() error {
	return func() error {
		list, err := externalMetric(ctx, t, ns, metric, object)
		if err != nil {
			return err
		}
		if len(list.Items) != 1 || list.Items[0].MetricName != metric || list.Items[0].Value.String() != want {
			return fmt.Errorf("%s: got %+v, want one value %s", metric, list.Items, want)
		}
		return nil
	}
}

// eventually calls check every 100ms until it returns nil or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v: %v", what, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitObjectActive waits until the ScaledObject name's Active condition is
// want.
func waitObjectActive(t *testing.T, ns, name string, want metav1.ConditionStatus) {
	t.Helper()
	objects := kedaClient(t).KedaV1alpha1().ScaledObjects(ns)
	eventually(t, phase, fmt.Sprintf("%s Active=%s", name, want), func() error {
		so, err := objects.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if c := so.Status.Condition(v1alpha1.ConditionActive); c == nil || c.Status != want {
			return fmt.Errorf("Active = %+v", c)
		}
		return nil
	})
}
