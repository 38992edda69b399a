package install

import (
	"errors"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// schemaGVR shortens the fake client's list-kinds map type.
type schemaGVR = schema.GroupVersionResource

// apiService returns an external metrics APIService pointing at ns/name
// (local when name is empty), with labels and written by manager.
func apiService(ns, name string, labels map[string]string, manager string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": APIServiceName},
		"spec":       map[string]any{"group": "external.metrics.k8s.io", "version": "v1beta1"},
	}}
	if name != "" {
		_ = unstructured.SetNestedField(u.Object, map[string]any{"namespace": ns, "name": name}, "spec", "service")
	}
	u.SetLabels(labels)
	if manager != "" {
		u.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: manager, Operation: metav1.ManagedFieldsOperationApply}})
	}
	return u
}

func TestForeign(t *testing.T) {
	tests := []struct {
		name    string
		apisvc  *unstructured.Unstructured
		service string // "" when ours
		owner   string
	}{
		{"ours by label", apiService("sluice-system", "sluice-adapter", installLabels(), ""), "", ""},
		{"ours by field manager", apiService("x", "sluice-adapter", nil, "sluice"), "", ""},
		{"keda", apiService("keda", "keda-operator-metrics-apiserver", nil, "helm"), "keda/keda-operator-metrics-apiserver", "KEDA"},
		{"prometheus-adapter", apiService("monitoring", "prometheus-adapter", nil, "kubectl"), "monitoring/prometheus-adapter", "prometheus-adapter"},
		{"datadog by label", apiService("dd", "cluster-agent-metrics-api", map[string]string{"app": "datadog-cluster-agent"}, ""), "dd/cluster-agent-metrics-api", "the Datadog Cluster Agent"},
		{"half our labels", apiService("x", "y", map[string]string{LabelManagedBy: "sluice"}, "kubectl"), "x/y", "another metrics server"},
		{"local", apiService("", "", nil, ""), "local", "kube-apiserver itself"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Foreign(tt.apisvc)
			if tt.service == "" {
				if err != nil {
					t.Errorf("Foreign: %v, want ours", err)
				}
				return
			}
			var f *ForeignAPIServiceError
			if !errors.As(err, &f) {
				t.Fatalf("Foreign: %v, want a ForeignAPIServiceError", err)
			}
			if f.Service != tt.service || f.Owner != tt.owner {
				t.Errorf("Foreign: service %q owner %q, want %q and %q", f.Service, f.Owner, tt.service, tt.owner)
			}
		})
	}
}
