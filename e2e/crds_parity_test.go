//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// parityObject is a ScaledObject or TriggerAuthentication manifest written
// as KEDA's documentation and admission webhook see it.
type parityObject struct {
	name string
	gvr  schema.GroupVersionResource
	kind string
	spec map[string]any
	// want is empty when KEDA's admission accepts the manifest (it must
	// apply here), else the field-naming message Sluice must refuse it with.
	want string
}

// TestCRDsKEDAParity applies manifests against the CRDs' CEL rules in the
// real kube-apiserver: every row KEDA's admission (CRD schema and
// validating webhook) accepts must be created with strict field validation,
// and every row it refuses must be refused with a message naming the field.
func TestCRDsKEDAParity(t *testing.T) {
	ns := namespace(t)
	dyn := dynamicClient(t)
	ctx := context.Background()
	queue := map[string]any{"type": "azure-queue", "metadata": map[string]any{"queueName": "jobs", "connectionFromEnv": "C"}}
	cpu := map[string]any{"type": "cpu", "metricType": "Utilization", "metadata": map[string]any{"value": "60"}}
	memory := map[string]any{"type": "memory", "metricType": "Utilization", "metadata": map[string]any{"value": "70"}}
	valueTrigger := map[string]any{"type": "metrics-api", "metricType": "Value", "metadata": map[string]any{"url": "http://127.0.0.1/x", "valueLocation": "v", "targetValue": "5"}}
	so := func(fallback map[string]any, triggers ...any) map[string]any {
		s := map[string]any{"scaleTargetRef": map[string]any{"name": "app"}, "triggers": triggers}
		if fallback != nil {
			s["fallback"] = fallback
		}
		return s
	}
	fb := func(threshold, replicas int, behavior string) map[string]any {
		f := map[string]any{"failureThreshold": threshold, "replicas": replicas}
		if behavior != "" {
			f["behavior"] = behavior
		}
		return f
	}
	with := func(s map[string]any, k string, v any) map[string]any { s[k] = v; return s }
	modifiers := map[string]any{"scalingModifiers": map[string]any{"formula": "a + b", "target": "4"}}
	podIdentity := func(pi map[string]any) map[string]any { return map[string]any{"podIdentity": pi} }
	sos, tas := scaledObjectsGVR, triggerAuthsGVR

	tests := []parityObject{
		// KEDA accepts: fallback skips cpu and memory triggers in its check.
		{"fallback with a cpu trigger", sos, "ScaledObject", so(fb(3, 6, ""), cpu, queue), ""},
		{"fallback with memory and cpu triggers", sos, "ScaledObject", so(fb(3, 6, ""), memory, queue, cpu), ""},
		{"fallback with metricType Value", sos, "ScaledObject", so(fb(3, 6, ""), valueTrigger), ""},
		{"fallback failureThreshold 0", sos, "ScaledObject", so(fb(0, 2, ""), queue), ""},
		{"fallback replicas 0", sos, "ScaledObject", so(fb(1, 0, ""), queue), ""},
		{"fallback currentReplicas", sos, "ScaledObject", so(fb(3, 2, "currentReplicas"), queue), ""},
		{"fallback currentReplicasIfHigher", sos, "ScaledObject", so(fb(3, 2, "currentReplicasIfHigher"), queue), ""},
		{"fallback currentReplicasIfLower", sos, "ScaledObject", so(fb(3, 2, "currentReplicasIfLower"), queue), ""},
		{"fallback scalingModifiers", sos, "ScaledObject", with(so(fb(3, 2, "scalingModifiers"), queue), "advanced", modifiers), ""},
		{"fallback cpu only with scalingModifiers", sos, "ScaledObject", with(so(fb(3, 2, ""), cpu), "advanced", modifiers), ""},
		{"idleReplicaCount 0 with minReplicaCount 0", sos, "ScaledObject", with(with(so(nil, queue), "idleReplicaCount", 0), "minReplicaCount", 0), ""},
		{"idleReplicaCount 0 with minReplicaCount 2", sos, "ScaledObject", with(with(so(nil, queue), "idleReplicaCount", 0), "minReplicaCount", 2), ""},
		{"min equal to max", sos, "ScaledObject", with(with(so(nil, queue), "minReplicaCount", 3), "maxReplicaCount", 3), ""},
		{"empty metricType", sos, "ScaledObject", so(nil, map[string]any{"type": "azure-queue", "metricType": "", "metadata": map[string]any{}}), ""},
		{"long trigger name", sos, "ScaledObject", so(nil, map[string]any{"type": "azure-queue", "name": strings.Repeat("n", 120), "metadata": map[string]any{}}), ""},
		{"azure-workload with identity fields", tas, "TriggerAuthentication", podIdentity(map[string]any{
			"provider": "azure-workload", "identityId": "id", "identityTenantId": "t", "identityAuthorityHost": "https://login.example",
		}), ""},
		{"aws with empty identityId", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "aws", "identityId": ""}), ""},
		{"aws with roleArn and externalID", tas, "TriggerAuthentication", podIdentity(map[string]any{
			"provider": "aws", "roleArn": "arn:aws:iam::1:role/r", "externalID": "x", "identityOwner": "keda",
		}), ""},
		{"aws-eks with identityOwner workload", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "aws-eks", "identityOwner": "workload"}), ""},

		// KEDA refuses.
		{"fallback with only cpu and memory triggers", sos, "ScaledObject", so(fb(3, 6, ""), cpu, memory), "fallback needs at least one trigger that is not cpu or memory"},
		{"negative fallback failureThreshold", sos, "ScaledObject", so(fb(-1, 6, ""), queue), "fallback.failureThreshold must not be negative"},
		{"negative fallback replicas", sos, "ScaledObject", so(fb(1, -1, ""), queue), "fallback.replicas must not be negative"},
		{"unknown fallback behavior", sos, "ScaledObject", so(fb(1, 1, "sometimes"), queue), "fallback.behavior must be one of static"},
		{"fallback scalingModifiers without a formula", sos, "ScaledObject", so(fb(3, 2, "scalingModifiers"), queue), "fallback.behavior scalingModifiers needs advanced.scalingModifiers.formula"},
		{"fallback scalingModifiers with a target only", sos, "ScaledObject",
			with(so(fb(3, 2, "scalingModifiers"), queue), "advanced", map[string]any{"scalingModifiers": map[string]any{"target": "4"}}),
			"fallback.behavior scalingModifiers needs advanced.scalingModifiers.formula"},
		{"idleReplicaCount equal to min", sos, "ScaledObject", with(with(so(nil, queue), "idleReplicaCount", 1), "minReplicaCount", 1), "idleReplicaCount must be less than minReplicaCount"},
		{"idleReplicaCount 1 with min 0", sos, "ScaledObject", with(so(nil, queue), "idleReplicaCount", 1), "idleReplicaCount must be less than minReplicaCount"},
		{"min above max", sos, "ScaledObject", with(with(so(nil, queue), "minReplicaCount", 4), "maxReplicaCount", 3), "minReplicaCount must not be greater than maxReplicaCount"},
		{"azure-workload empty identityId", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "azure-workload", "identityId": ""}), "podIdentity.identityId must not be empty"},
		{"azure-workload empty identityTenantId", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "azure-workload", "identityTenantId": ""}), "podIdentity.identityTenantId must not be empty"},
		{"azure-workload authority host without tenant", tas, "TriggerAuthentication", podIdentity(map[string]any{
			"provider": "azure-workload", "identityAuthorityHost": "https://login.example",
		}), "podIdentity.identityTenantId is required when identityAuthorityHost is set"},
		{"aws roleArn with identityOwner workload", tas, "TriggerAuthentication", podIdentity(map[string]any{
			"provider": "aws", "roleArn": "arn:aws:iam::1:role/r", "identityOwner": "workload",
		}), "podIdentity.roleArn must not be set when identityOwner is workload"},
		{"aws externalID without roleArn", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "aws", "externalID": "x"}), "podIdentity.externalID requires roleArn"},
		{"unknown identityOwner", tas, "TriggerAuthentication", podIdentity(map[string]any{"provider": "aws", "identityOwner": "me"}), "podIdentity.identityOwner must be keda or workload"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "keda.sh/v1alpha1", "kind": tt.kind,
				"metadata": map[string]any{"name": "parity-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), "namespace": ns},
				"spec":     tt.spec,
			}}
			_, err := dyn.Resource(tt.gvr).Namespace(ns).Create(ctx, obj, metav1.CreateOptions{FieldValidation: "Strict"})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("KEDA accepts this manifest; create: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("created; KEDA refuses it and the error should contain %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}
