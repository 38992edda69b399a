package helm

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestGoMemLimitFollowsTheMemoryLimit: a component with a memory limit
// (every one by default) gets GOMEMLIMIT from it through the downward API;
// one whose limit is removed gets none.
func TestGoMemLimitFollowsTheMemoryLimit(t *testing.T) {
	noLimits := map[string]any{"limits": nil, "requests": map[string]any{"cpu": "10m"}}
	tests := []struct {
		name string
		vals map[string]any
		want map[string]bool // Deployment name → GOMEMLIMIT expected
	}{
		{"defaults", nil, map[string]bool{"sluice-adapter": true, "sluice-activator": true, "sluice-http": true}},
		{"no limits", map[string]any{
			"adapter":   map[string]any{"resources": noLimits},
			"activator": map[string]any{"resources": noLimits},
			"http":      map[string]any{"resources": noLimits},
		}, map[string]bool{"sluice-adapter": false, "sluice-activator": false, "sluice-http": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := render(t, "sluice-system", tt.vals)
			for name, want := range tt.want {
				var d appsv1.Deployment
				fromUnstructured(t, find(t, objs, "Deployment", name), &d)
				env := goMemLimit(d.Spec.Template.Spec.Containers[0].Env)
				if got := env != nil; got != want {
					t.Errorf("%s: GOMEMLIMIT set = %v, want %v", name, got, want)
					continue
				}
				if env != nil && (env.ValueFrom == nil || env.ValueFrom.ResourceFieldRef == nil || env.ValueFrom.ResourceFieldRef.Resource != "limits.memory") {
					t.Errorf("%s: GOMEMLIMIT = %+v, want the container's limits.memory", name, env)
				}
			}
		})
	}
}

func goMemLimit(env []corev1.EnvVar) *corev1.EnvVar {
	for i := range env {
		if env[i].Name == "GOMEMLIMIT" {
			return &env[i]
		}
	}
	return nil
}
