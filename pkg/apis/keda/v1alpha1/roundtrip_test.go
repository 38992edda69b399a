package v1alpha1

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/yaml"
)

// TestRoundTrip decodes real-world manifests strictly (an unknown field
// fails: the types must cover everything KEDA users write), encodes them
// again and compares the result with the original document.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		file string
		into func() runtime.Object
	}{
		{"func-kubernetes-deploy.yaml", func() runtime.Object { return &ScaledObject{} }},
		{"every-field.yaml", func() runtime.Object { return &ScaledObject{} }},
		{"trigger-authentication.yaml", func() runtime.Object { return &TriggerAuthentication{} }},
		{"cluster-trigger-authentication.yaml", func() runtime.Object { return &ClusterTriggerAuthentication{} }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			obj := tt.into()
			if err := yaml.UnmarshalStrict(raw, obj); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			encoded, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			var want, got map[string]any
			if err := yaml.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(encoded, &got); err != nil {
				t.Fatal(err)
			}
			dropEmpty(want)
			dropEmpty(got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed the object\nwant %v\n got %v", want, got)
			}
			if copied := obj.DeepCopyObject(); !reflect.DeepEqual(copied, obj) {
				t.Errorf("DeepCopyObject differs from the original")
			}
		})
	}
}

// dropEmpty removes empty maps: omitempty drops `labels: {}` of func's
// output, and an empty status struct encodes as `status: {}`.
func dropEmpty(m map[string]any) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			dropEmpty(sub)
			if len(sub) == 0 {
				delete(m, k)
			}
		}
	}
}

// TestScheme decodes a manifest through a scheme built with AddToScheme,
// as clients do.
func TestScheme(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "func-kubernetes-deploy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	obj, gvk, err := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode(raw, nil, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	so, ok := obj.(*ScaledObject)
	if !ok || gvk.Kind != "ScaledObject" {
		t.Fatalf("decoded %T (%v), want *ScaledObject", obj, gvk)
	}
	trig := so.Spec.Triggers[0]
	if so.Spec.ScaleTargetRef.Name != "queue-app" || trig.Type != "azure-queue" || trig.Metadata["queueName"] != "jobs" || trig.Metadata["connectionFromEnv"] != "StorageConn" {
		t.Errorf("decoded spec = %+v", so.Spec)
	}
}

func TestDefaults(t *testing.T) {
	var empty ScaledObject
	empty.Name = "app"
	if got := empty.Spec.PollingIntervalSeconds(); got != 30 {
		t.Errorf("PollingIntervalSeconds = %d, want 30", got)
	}
	if got := empty.Spec.CooldownPeriodSeconds(); got != 300 {
		t.Errorf("CooldownPeriodSeconds = %d, want 300", got)
	}
	if got := empty.Spec.MinReplicas(); got != 0 {
		t.Errorf("MinReplicas = %d, want 0", got)
	}
	if got := empty.Spec.MaxReplicas(); got != 100 {
		t.Errorf("MaxReplicas = %d, want 100", got)
	}
	if got := empty.Spec.InitialCooldownPeriodSeconds(); got != 0 {
		t.Errorf("InitialCooldownPeriodSeconds = %d, want 0", got)
	}
	if got := empty.HPAName(); got != "keda-hpa-app" {
		t.Errorf("HPAName = %q, want keda-hpa-app", got)
	}
	named := empty
	named.Spec.Advanced = &AdvancedConfig{HorizontalPodAutoscalerConfig: &HorizontalPodAutoscalerConfig{Name: "mine"}}
	if got := named.HPAName(); got != "mine" {
		t.Errorf("HPAName = %q, want mine", got)
	}
}
