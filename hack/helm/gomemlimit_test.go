package helm

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

// TestNoComponentPinsGOMEMLIMIT: no Deployment sets GOMEMLIMIT, so each
// program gives the Go runtime 80 % of its container's memory limit
// (pkg/program's setMemoryLimit). GOMEMLIMIT taken from limits.memory
// through the downward API would be the whole limit, and leave nothing for
// the program's own code pages (measured in docs/performance.md).
func TestNoComponentPinsGOMEMLIMIT(t *testing.T) {
	objs := render(t, "sluice-system", nil)
	for _, name := range []string{"sluice-adapter", "sluice-activator", "sluice-http"} {
		var d appsv1.Deployment
		fromUnstructured(t, find(t, objs, "Deployment", name), &d)
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				if e.Name == "GOMEMLIMIT" {
					t.Errorf("%s/%s sets GOMEMLIMIT %+v; want the program's own share of the limit", name, c.Name, e)
				}
			}
		}
	}
}
