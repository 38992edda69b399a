package install

import (
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

// TestRBACRules pins every rule of every role install grants: a change
// here must be explained in docs/security.md.
func TestRBACRules(t *testing.T) {
	// role → "group/resource" → verbs, sorted.
	want := map[string]map[string]string{
		"ClusterRole/sluice-adapter": {
			"keda.sh/scaledobjects":                 "get,list,watch",
			"keda.sh/triggerauthentications":        "get,list,watch",
			"keda.sh/clustertriggerauthentications": "get,list,watch",
			"keda.sh/scaledobjects/status":          "patch,update",
			"/secrets":                              "get,list,watch",
			"/configmaps":                           "get,list,watch",
			"apps/deployments":                      "get,list,watch",
			"apps/statefulsets":                     "get,list,watch",
			"autoscaling/horizontalpodautoscalers":  "list,watch",
			"/events":                               "create,patch",
			"events.k8s.io/events":                  "create,patch",
			"apiregistration.k8s.io/apiservices":    "get,patch",
		},
		"ClusterRole/sluice-adapter-targets": {},
		"Role/sluice-adapter-certificates": {
			"/secrets": "patch",
		},
		"Role/sluice-adapter-leader-election": {
			"coordination.k8s.io/leases": "create,get,update",
		},
		"ClusterRole/sluice-activator": {
			"keda.sh/scaledobjects":                "get,list,patch,update,watch",
			"keda.sh/scaledobjects/status":         "patch,update",
			"keda.sh/scaledobjects/finalizers":     "patch,update",
			"autoscaling/horizontalpodautoscalers": "create,delete,get,list,patch,update,watch",
			"*/*/scale":                            "get,patch,update",
			"external.metrics.k8s.io/*":            "get,list",
			"/events":                              "create,patch",
			"events.k8s.io/events":                 "create,patch",
		},
		"Role/sluice-activator-leader-election": {
			"coordination.k8s.io/leases": "create,get,update",
		},
		"ClusterRole/sluice-http": {
			"keda.sh/scaledobjects":           "get,list,patch,watch",
			"/services":                       "get,list,watch",
			"discovery.k8s.io/endpointslices": "list,watch",
		},
		"ClusterRole/sluice-external-metrics-reader": {
			"external.metrics.k8s.io/*": "get,list,watch",
		},
	}
	objs, _ := bundle(t, Options{})
	got := map[string]map[string]string{}
	for _, u := range objs {
		if u.GetKind() != "ClusterRole" && u.GetKind() != "Role" {
			continue
		}
		var role rbacv1.ClusterRole // Role has the same rules shape
		fromUnstructured(t, u, &role)
		rules := map[string]string{}
		for _, r := range role.Rules {
			verbs := slices.Clone(r.Verbs)
			slices.Sort(verbs)
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					rules[g+"/"+res] = strings.Join(verbs, ",")
				}
			}
		}
		got[u.GetKind()+"/"+u.GetName()] = rules
	}
	for role, rules := range want {
		t.Run(role, func(t *testing.T) {
			g, ok := got[role]
			if !ok {
				t.Fatalf("role not in the bundle")
			}
			for res, verbs := range rules {
				if g[res] != verbs {
					t.Errorf("%s: verbs %q, want %q", res, g[res], verbs)
				}
			}
			for res, verbs := range g {
				if _, ok := rules[res]; !ok {
					t.Errorf("unexpected rule %s: %s", res, verbs)
				}
			}
		})
	}
	for role := range got {
		if _, ok := want[role]; !ok {
			t.Errorf("role %s is not pinned by this test", role)
		}
	}
}

// TestRBACBindings checks who gets which role.
func TestRBACBindings(t *testing.T) {
	want := map[string]string{
		"ClusterRoleBinding/sluice-adapter":                "ClusterRole/sluice-adapter ← ServiceAccount ns/sluice-adapter",
		"ClusterRoleBinding/sluice-adapter-targets":        "ClusterRole/sluice-adapter-targets ← ServiceAccount ns/sluice-adapter",
		"ClusterRoleBinding/sluice-adapter-auth-delegator": "ClusterRole/system:auth-delegator ← ServiceAccount ns/sluice-adapter",
		"RoleBinding/sluice-adapter-auth-reader":           "Role/extension-apiserver-authentication-reader ← ServiceAccount ns/sluice-adapter",
		"RoleBinding/sluice-adapter-leader-election":       "Role/sluice-adapter-leader-election ← ServiceAccount ns/sluice-adapter",
		"RoleBinding/sluice-adapter-certificates":          "Role/sluice-adapter-certificates ← ServiceAccount ns/sluice-adapter",
		"ClusterRoleBinding/sluice-activator":              "ClusterRole/sluice-activator ← ServiceAccount ns/sluice-activator",
		"RoleBinding/sluice-activator-leader-election":     "Role/sluice-activator-leader-election ← ServiceAccount ns/sluice-activator",
		"ClusterRoleBinding/sluice-http":                   "ClusterRole/sluice-http ← ServiceAccount ns/sluice-http",
		"ClusterRoleBinding/sluice-hpa-external-metrics":   "ClusterRole/sluice-external-metrics-reader ← ServiceAccount kube-system/horizontal-pod-autoscaler",
	}
	objs, _ := bundle(t, Options{Namespace: "ns"})
	got := map[string]string{}
	for _, u := range objs {
		if u.GetKind() != "ClusterRoleBinding" && u.GetKind() != "RoleBinding" {
			continue
		}
		var b rbacv1.ClusterRoleBinding
		fromUnstructured(t, u, &b)
		var subjects []string
		for _, s := range b.Subjects {
			subjects = append(subjects, s.Kind+" "+s.Namespace+"/"+s.Name)
		}
		got[u.GetKind()+"/"+u.GetName()] = b.RoleRef.Kind + "/" + b.RoleRef.Name + " ← " + strings.Join(subjects, ", ")
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d bindings, want %d: %v", len(got), len(want), got)
	}
}
