//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

var (
	scaledObjectsGVR = v1alpha1.SchemeGroupVersion.WithResource("scaledobjects")
	triggerAuthsGVR  = v1alpha1.SchemeGroupVersion.WithResource("triggerauthentications")
	clusterAuthsGVR  = v1alpha1.SchemeGroupVersion.WithResource("clustertriggerauthentications")
)

// namespace creates a namespace for the test, named after it, and deletes it
// when the test ends.
func namespace(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(name) > 50 {
		name = name[:50]
	}
	name = strings.Trim(name, "-")
	ctx := context.Background()
	_, err := cluster.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// newClient builds an admin client of cp with newForConfig (a client
// package's NewForConfig), failing t when that fails.
func newClient[C any](t *testing.T, cp *testenv.ControlPlane, newForConfig func(*rest.Config) (C, error)) C {
	t.Helper()
	c, err := newForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dynamicClient returns an admin dynamic client of the shared control plane.
func dynamicClient(t *testing.T) dynamic.Interface {
	t.Helper()
	return newClient(t, cluster, dynamic.NewForConfig)
}

// readObject reads a YAML manifest into an unstructured object.
func readObject(t *testing.T, path string) *unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(raw, &obj.Object); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return obj
}

// newGet returns a GET request for url.
func newGet(ctx context.Context, url string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}

// gone returns nil when err is a 404, and an error saying what was found
// otherwise; it takes a Get's results.
func gone[T any](_ T, err error) error {
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("want 404: %w", err)
	default:
		return errors.New("still there, want 404")
	}
}
