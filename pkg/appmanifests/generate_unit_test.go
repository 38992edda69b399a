package appmanifests

import (
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/functions"
)

// project builds a project from function.json documents keyed by function
// name, and settings values.
func project(t *testing.T, fns map[string]string, values map[string]string) *functions.Project {
	t.Helper()
	p := &functions.Project{Settings: functions.Settings{Values: values}}
	for name, doc := range fns {
		fn, err := functions.ParseFunctionJSON(name, name+"/function.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		p.Functions = append(p.Functions, fn)
	}
	return p
}

// kinds lists "Kind/name" of the objects.
func kinds(objs []runtime.Object) string {
	var out []string
	for _, o := range objs {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return err.Error()
		}
		meta := u["metadata"].(map[string]any)
		out = append(out, u["kind"].(string)+"/"+meta["name"].(string))
	}
	return strings.Join(out, " ")
}

func TestGenerateShapes(t *testing.T) {
	const (
		queue = `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"q"}]}`
		timer = `{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"* * * * * *"}]}`
		http  = `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}`
	)
	extra := v1alpha1.ScaleTriggers{Type: "cron", Metadata: map[string]string{"timezone": "UTC"}}
	tests := []struct {
		name     string
		fns      map[string]string
		opts     Options
		want     string
		replicas int32
	}{
		{"queue", map[string]string{"Q": queue}, Options{}, "Secret/app Deployment/app ScaledObject/app", 0},
		{"queue min", map[string]string{"Q": queue}, Options{MinReplicas: ptr(2)}, "Secret/app Deployment/app ScaledObject/app", 2},
		{"timer only", map[string]string{"T": timer}, Options{}, "Secret/app Deployment/app", 1},
		{"timer and flag trigger", map[string]string{"T": timer}, Options{Triggers: []v1alpha1.ScaleTriggers{extra}}, "Secret/app Deployment/app ScaledObject/app", 0},
		{"http only", map[string]string{"H": http}, Options{UseConfigMap: true}, "ConfigMap/app Deployment/app-http Service/app-http", 1},
		{"http scaled", map[string]string{"H": http}, Options{HTTPPrometheusServer: "http://p", HTTPTarget: 2.5},
			"Secret/app Deployment/app-http Service/app-http ScaledObject/app-http", 1},
		{"http scale to zero", map[string]string{"H": http}, Options{HTTPScaleToZero: true, Namespace: "ns"},
			"Secret/app Deployment/app-http Service/app-http ScaledObject/app-http", 0},
		{"http scale to zero min", map[string]string{"H": http}, Options{HTTPScaleToZero: true, Namespace: "ns", MinReplicas: ptr(2)},
			"Secret/app Deployment/app-http Service/app-http ScaledObject/app-http", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Name, tt.opts.Image = "app", "img"
			m, err := Generate(project(t, tt.fns, map[string]string{"AzureWebJobsStorage": "x"}), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(m.Objects); got != tt.want {
				t.Errorf("objects = %s, want %s", got, tt.want)
			}
			d := m.Objects[1].(*appsv1.Deployment)
			if *d.Spec.Replicas != tt.replicas {
				t.Errorf("replicas = %d, want %d", *d.Spec.Replicas, tt.replicas)
			}
		})
	}
}

func TestGenerateHTTPScaleToZero(t *testing.T) {
	fns := map[string]string{"H": `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req"}]}`}
	m, err := Generate(project(t, fns, nil), Options{
		Name: "app", Image: "img", Namespace: "shop", HTTPScaleToZero: true, HTTPTarget: 20,
		HTTPFront: "http://front.infra.svc:8082/", HTTPHosts: []string{"shop.example.com", "www.example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	so := m.Objects[len(m.Objects)-1].(*v1alpha1.ScaledObject)
	if got := *so.Spec.MinReplicaCount; got != 0 {
		t.Errorf("minReplicaCount = %d, want 0", got)
	}
	wantAnn := map[string]string{"sluice.dev/http-service": "app-http:80", "sluice.dev/http-hosts": "shop.example.com,www.example.com"}
	for k, v := range wantAnn {
		if so.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, so.Annotations[k], v)
		}
	}
	tr := so.Spec.Triggers[0]
	wantMeta := map[string]string{"url": "http://front.infra.svc:8082/apps/shop/app-http", "valueLocation": "concurrency", "targetValue": "20"}
	if tr.Type != "metrics-api" || len(tr.Metadata) != len(wantMeta) {
		t.Fatalf("trigger = %+v", tr)
	}
	for k, v := range wantMeta {
		if tr.Metadata[k] != v {
			t.Errorf("trigger %s = %q, want %q", k, tr.Metadata[k], v)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	queue := `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"q"}]}`
	tests := []struct {
		name   string
		fns    map[string]string
		values map[string]string
		opts   Options
		want   string
	}{
		{"invalid options", map[string]string{"Q": queue}, nil, Options{Name: "app"}, "an image is required"},
		{"nothing", nil, nil, Options{Name: "app", Image: "i"}, "nothing to deploy"},
		{"bad setting name", map[string]string{"Q": queue}, map[string]string{"bad name": "x"}, Options{Name: "app", Image: "i"},
			"local.settings.json: Values.bad name"},
		{"colliding settings", map[string]string{"Q": queue}, map[string]string{"A:B": "x", "A__B": "y"}, Options{Name: "app", Image: "i"},
			"same environment variable A__B"},
		{"mapping error", map[string]string{"Q": `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m"}]}`}, nil,
			Options{Name: "app", Image: "i"}, "Q/function.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(project(t, tt.fns, tt.values), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRenderJSON(t *testing.T) {
	p := project(t, map[string]string{"Q": `{"bindings":[{"type":"queueTrigger","direction":"in","name":"m","queueName":"q"}]}`}, nil)
	m, err := Generate(p, Options{Name: "app", Image: "img"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Render(m.Objects, FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind  string           `json:"kind"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	if list.Kind != "List" || len(list.Items) != 3 {
		t.Errorf("list = %s", out)
	}
	for _, noise := range []string{"creationTimestamp", `"status"`, "null", "{}"} {
		if strings.Contains(string(out), noise) {
			t.Errorf("output contains %s:\n%s", noise, out)
		}
	}
	if _, err := Render(m.Objects, "xml"); err == nil {
		t.Error("Render accepted format xml")
	}
}
