package helm

import (
	"fmt"
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/sluice-dev/sluice/pkg/install"
)

// chartDir is the chart under test, relative to this package.
func chartDir() string { return filepath.Join("..", "..", "deploy", "charts", "sluice") }

// releaseName is the Helm release every test renders.
const releaseName = "sluice"

// loadChart loads the chart from chartDir.
func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	c, err := loader.Load(chartDir())
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	return c
}

// render renders the chart as `helm install --dry-run` does without a
// cluster, into namespace ns with vals, and returns its objects: the CRDs
// first, then the templates' objects in Helm's install order.
func render(t *testing.T, ns string, vals map[string]any) []*unstructured.Unstructured {
	t.Helper()
	manifest, err := renderManifest(loadChart(t), ns, vals)
	if err != nil {
		t.Fatalf("render chart in %s: %v", ns, err)
	}
	objs, err := install.DecodeManifest([]byte(manifest))
	if err != nil {
		t.Fatalf("decode rendered manifest: %v\n%s", err, manifest)
	}
	return objs
}

// renderErr renders the chart with vals and returns the error.
func renderErr(t *testing.T, vals map[string]any) error {
	t.Helper()
	_, err := renderManifest(loadChart(t), "sluice-system", vals)
	return err
}

// renderManifest runs a client-only dry-run install of c and returns the
// manifest, CRDs included.
func renderManifest(c *chart.Chart, ns string, vals map[string]any) (string, error) {
	cfg := &action.Configuration{Log: func(string, ...any) {}}
	inst := action.NewInstall(cfg)
	inst.DryRun = true
	inst.ClientOnly = true
	inst.IncludeCRDs = true
	inst.ReleaseName = releaseName
	inst.Namespace = ns
	rel, err := inst.Run(c, vals)
	if err != nil {
		return "", err
	}
	return rel.Manifest, nil
}

// readValues parses a values file's YAML.
func readValues(t *testing.T, s string) map[string]any {
	t.Helper()
	v, err := chartutil.ReadValues([]byte(s))
	if err != nil {
		t.Fatalf("read values: %v", err)
	}
	return v.AsMap()
}

// key identifies an object in messages and maps: "Kind namespace/name".
func key(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return fmt.Sprintf("%s %s", u.GetKind(), u.GetName())
	}
	return fmt.Sprintf("%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
}

// find returns the object of kind and name in objs, failing the test when
// there is none.
func find(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, u := range objs {
		if u.GetKind() == kind && u.GetName() == name {
			return u
		}
	}
	t.Fatalf("no %s %s among the rendered objects", kind, name)
	return nil
}
