//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

const apiTestdata = "../pkg/apis/keda/v1alpha1/testdata"

// TestCRDsAcceptValidObjects creates the real-world manifests with strict
// field validation: every field they use exists in the schema.
func TestCRDsAcceptValidObjects(t *testing.T) {
	ns := namespace(t)
	dyn := dynamicClient(t)
	ctx := context.Background()
	strict := metav1.CreateOptions{FieldValidation: "Strict"}

	for _, file := range []string{"func-kubernetes-deploy.yaml", "every-field.yaml"} {
		t.Run(file, func(t *testing.T) {
			obj := readObject(t, filepath.Join(apiTestdata, file))
			status, hasStatus := obj.Object["status"]
			delete(obj.Object, "status")
			obj.SetNamespace(ns)
			created, err := dyn.Resource(scaledObjectsGVR).Namespace(ns).Create(ctx, obj, strict)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if !hasStatus {
				return
			}
			created.Object["status"] = status
			if _, err := dyn.Resource(scaledObjectsGVR).Namespace(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{FieldValidation: "Strict"}); err != nil {
				t.Fatalf("update status: %v", err)
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		got, err := dyn.Resource(scaledObjectsGVR).Namespace(ns).Get(ctx, "queue-app", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"pollingInterval": 30, "cooldownPeriod": 300, "minReplicaCount": 0, "maxReplicaCount": 100}
		for field, v := range want {
			if n, _, _ := unstructured.NestedInt64(got.Object, "spec", field); n != v {
				t.Errorf("spec.%s = %d, want the default %d", field, n, v)
			}
		}
	})
	t.Run("trigger-authentication.yaml", func(t *testing.T) {
		obj := readObject(t, filepath.Join(apiTestdata, "trigger-authentication.yaml"))
		obj.SetNamespace(ns)
		if _, err := dyn.Resource(triggerAuthsGVR).Namespace(ns).Create(ctx, obj, strict); err != nil {
			t.Fatalf("create: %v", err)
		}
	})
	t.Run("cluster-trigger-authentication.yaml", func(t *testing.T) {
		obj := readObject(t, filepath.Join(apiTestdata, "cluster-trigger-authentication.yaml"))
		obj.SetName(ns + "-storage")
		if _, err := dyn.Resource(clusterAuthsGVR).Create(ctx, obj, strict); err != nil {
			t.Fatalf("create: %v", err)
		}
		t.Cleanup(func() {
			_ = dyn.Resource(clusterAuthsGVR).Delete(context.Background(), obj.GetName(), metav1.DeleteOptions{})
		})
	})
}

// TestCRDsRejectInvalidObjects breaks one rule at a time and expects the
// rule's own message.
func TestCRDsRejectInvalidObjects(t *testing.T) {
	ns := namespace(t)
	dyn := dynamicClient(t)

	tests := []struct {
		name   string
		mutate func(spec map[string]any)
		want   string
	}{
		{"min above max", func(s map[string]any) { s["minReplicaCount"], s["maxReplicaCount"] = 5, 2 }, "minReplicaCount must not be greater than maxReplicaCount"},
		{"idle not below min", func(s map[string]any) { s["idleReplicaCount"], s["minReplicaCount"] = 1, 1 }, "idleReplicaCount must be less than minReplicaCount"},
		{"polling interval 0", func(s map[string]any) { s["pollingInterval"] = 0 }, "pollingInterval must be at least 1 second"},
		{"negative cooldown", func(s map[string]any) { s["cooldownPeriod"] = -1 }, "cooldownPeriod must not be negative"},
		{"negative initial cooldown", func(s map[string]any) { s["initialCooldownPeriod"] = -1 }, "initialCooldownPeriod must not be negative"},
		{"negative min", func(s map[string]any) { s["minReplicaCount"] = -1 }, "minReplicaCount must not be negative"},
		{"max 0", func(s map[string]any) { s["maxReplicaCount"] = 0 }, "maxReplicaCount must be at least 1"},
		{"negative idle", func(s map[string]any) { s["idleReplicaCount"] = -1 }, "idleReplicaCount must not be negative"},
		{"no triggers", func(s map[string]any) { s["triggers"] = []any{} }, "at least one trigger is required"},
		{"empty trigger type", func(s map[string]any) { trigger(s)["type"] = "" }, "trigger type must not be empty"},
		{"duplicate trigger names", func(s map[string]any) {
			s["triggers"] = []any{
				map[string]any{"type": "a", "name": "same", "metadata": map[string]any{}},
				map[string]any{"type": "b", "name": "same", "metadata": map[string]any{}},
			}
		}, "trigger names must be unique within a ScaledObject"},
		{"bad metricType", func(s map[string]any) { trigger(s)["metricType"] = "Average" }, "metricType must be one of AverageValue, Value or Utilization"},
		{"negative fallback replicas", func(s map[string]any) { s["fallback"] = map[string]any{"failureThreshold": 1, "replicas": -1} }, "fallback.replicas must not be negative"},
		{"bad fallback behavior", func(s map[string]any) {
			s["fallback"] = map[string]any{"failureThreshold": 1, "replicas": 1, "behavior": "sometimes"}
		}, "fallback.behavior must be one of static"},
		{"idle 1 with min defaulted to 0", func(s map[string]any) { s["idleReplicaCount"] = 1 }, "idleReplicaCount must be less than minReplicaCount"},
		{"negative fallback threshold", func(s map[string]any) { s["fallback"] = map[string]any{"failureThreshold": -1, "replicas": 1} }, "fallback.failureThreshold must not be negative"},
		{"fallback with only a cpu trigger", func(s map[string]any) {
			s["fallback"] = map[string]any{"failureThreshold": 1, "replicas": 1}
			s["triggers"] = []any{map[string]any{"type": "cpu", "metricType": "Utilization", "metadata": map[string]any{"value": "50"}}}
		}, "fallback needs at least one trigger that is not cpu or memory"},
		{"empty target name", func(s map[string]any) { s["scaleTargetRef"] = map[string]any{"name": ""} }, "scaleTargetRef.name must not be empty"},
		{"bad authenticationRef kind", func(s map[string]any) {
			trigger(s)["authenticationRef"] = map[string]any{"name": "a", "kind": "Secret"}
		}, "authenticationRef.kind must be TriggerAuthentication or ClusterTriggerAuthentication"},
		{"empty authenticationRef name", func(s map[string]any) { trigger(s)["authenticationRef"] = map[string]any{"name": ""} }, "authenticationRef.name must not be empty"},
		{"bad scalingModifiers metricType", func(s map[string]any) {
			s["advanced"] = map[string]any{"scalingModifiers": map[string]any{"formula": "a", "metricType": "Utilization"}}
		}, "scalingModifiers.metricType must be AverageValue or Value"},
		{"scalingModifiers formula without target", func(s map[string]any) {
			s["advanced"] = map[string]any{"scalingModifiers": map[string]any{"formula": "a"}}
		}, "scalingModifiers.target is required when scalingModifiers.formula is set"},
		{"scalingModifiers formula too long", func(s map[string]any) {
			s["advanced"] = map[string]any{"scalingModifiers": map[string]any{"formula": strings.Repeat("a+", 512) + "a", "target": "1"}}
		}, "formula: Too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRefused(t, dyn, scaledObjectsGVR, ns, "func-kubernetes-deploy.yaml", tt.mutate, tt.want)
		})
	}

	authTests := []struct {
		name   string
		mutate func(spec map[string]any)
		want   string
	}{
		{"bad pod identity provider", func(s map[string]any) { s["podIdentity"] = map[string]any{"provider": "azure"} }, "podIdentity.provider must be one of none, azure-workload, aws, aws-eks or gcp"},
		{"empty secret parameter", func(s map[string]any) {
			s["secretTargetRef"] = []any{map[string]any{"parameter": "", "name": "s", "key": "k"}}
		}, "secretTargetRef.parameter must not be empty"},
		{"empty configMap key", func(s map[string]any) {
			s["configMapTargetRef"] = []any{map[string]any{"parameter": "p", "name": "c", "key": ""}}
		}, "configMapTargetRef.key must not be empty"},
		{"empty env name", func(s map[string]any) { s["env"] = []any{map[string]any{"parameter": "p", "name": ""}} }, "env.name must not be empty"},
	}
	for _, tt := range authTests {
		t.Run("TriggerAuthentication/"+tt.name, func(t *testing.T) {
			wantRefused(t, dyn, triggerAuthsGVR, ns, "trigger-authentication.yaml", tt.mutate, tt.want)
		})
	}
}

func trigger(spec map[string]any) map[string]any {
	return spec["triggers"].([]any)[0].(map[string]any)
}

// wantRefused creates the manifest file of apiTestdata as the resource gvr
// "invalid" in ns, with mutate applied to its spec, and fails t unless the
// API server refuses it with an error containing want.
func wantRefused(t *testing.T, dyn dynamic.Interface, gvr schema.GroupVersionResource, ns, file string, mutate func(spec map[string]any), want string) {
	t.Helper()
	ctx := context.Background()
	objects := dyn.Resource(gvr).Namespace(ns)
	obj := readObject(t, filepath.Join(apiTestdata, file))
	obj.SetNamespace(ns)
	obj.SetName("invalid")
	mutate(obj.Object["spec"].(map[string]any))
	_, err := objects.Create(ctx, obj, metav1.CreateOptions{})
	if err == nil {
		_ = objects.Delete(ctx, "invalid", metav1.DeleteOptions{})
		t.Fatalf("created; want the error %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %q", err, want)
	}
}

// TestCRDsPrinterColumns asks for a Table, as kubectl get does, and checks
// the columns and one row.
func TestCRDsPrinterColumns(t *testing.T) {
	ns := namespace(t)
	ctx := context.Background()
	obj := readObject(t, filepath.Join(apiTestdata, "every-field.yaml"))
	status := obj.Object["status"]
	delete(obj.Object, "status")
	obj.SetNamespace(ns)
	dyn := dynamicClient(t)
	created, err := dyn.Resource(scaledObjectsGVR).Namespace(ns).Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Object["status"] = status
	if _, err := dyn.Resource(scaledObjectsGVR).Namespace(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	client, err := rest.HTTPClientFor(cluster.Config)
	if err != nil {
		t.Fatal(err)
	}
	req, err := newGet(ctx, cluster.Host+"/apis/keda.sh/v1alpha1/namespaces/"+ns+"/scaledobjects")
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var table metav1.Table
	if err := json.NewDecoder(resp.Body).Decode(&table); err != nil {
		t.Fatalf("decode table: %v", err)
	}
	var names []string
	for _, c := range table.ColumnDefinitions {
		names = append(names, c.Name)
	}
	wantNames := []string{"Name", "ScaleTargetKind", "ScaleTargetName", "Min", "Max", "Ready", "Active", "Fallback", "Paused", "Triggers", "Authentications", "Age"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("columns = %v, want %v", names, wantNames)
	}
	if len(table.Rows) != 1 {
		t.Fatalf("rows = %d, want 1", len(table.Rows))
	}
	cells := table.Rows[0].Cells
	want := map[string]any{
		"Name": "orders", "ScaleTargetKind": "apps/v1.StatefulSet", "ScaleTargetName": "orders-worker",
		"Min": float64(1), "Max": float64(50), "Ready": "True", "Active": "True", "Fallback": "False",
		"Paused": "True", "Triggers": "azure-queue,kafka", "Authentications": "storage-auth,kafka-auth",
	}
	for i, name := range names {
		if w, ok := want[name]; ok && cells[i] != w {
			t.Errorf("column %s = %v (%T), want %v", name, cells[i], cells[i], w)
		}
	}
}
