package helm

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/sluice-dev/sluice/pkg/certs"
	"github.com/sluice-dev/sluice/pkg/install"
)

// customValues sets every value of the chart to something other than its
// default. The TLS material is added by the caller.
const customValues = `
adapter:
  image:
    registry: registry.example.com:5000/mirror/
    repository: custom-adapter
    tag: v9.8.7
    pullPolicy: Always
  replicas: 3
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: "1", memory: 1Gi}
activator:
  image:
    registry: ""
    repository: activator-only
    tag: a1
    pullPolicy: IfNotPresent
  replicas: 2
  resources:
    requests: {cpu: 30m, memory: 48Mi}
    limits: {memory: 300Mi}
logLevel: debug
logFormat: console
watchNamespaces: [team-a, team-b]
priorityClassName: system-cluster-critical
nodeSelector:
  kubernetes.io/os: linux
tolerations:
  - {key: dedicated, operator: Equal, value: sluice, effect: NoSchedule}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}
`

// suppliedTLS returns the custom values with TLS material from
// install.NewTLS for ns, supplied as values or, with secret set, as the
// name of an existing Secret (and the CA).
func suppliedTLS(t *testing.T, ns, secret string) (map[string]any, *install.TLS) {
	t.Helper()
	m, err := install.NewTLS(ns, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	vals := readValues(t, customValues)
	tls := map[string]any{"generate": false, "ca": string(m.CA)}
	if secret != "" {
		tls["existingSecret"] = secret
	} else {
		tls["cert"], tls["key"] = string(m.Cert), string(m.Key)
	}
	vals["tls"] = tls
	return vals, m
}

// component is what the custom values say about one Deployment.
type component struct {
	name, image string
	pullPolicy  corev1.PullPolicy
	replicas    int32
	resources   corev1.ResourceRequirements
}

// customComponents are the Deployments' expectations from customValues.
func customComponents() []component {
	q := resource.MustParse
	return []component{
		{"sluice-adapter", "registry.example.com:5000/mirror/custom-adapter:v9.8.7", corev1.PullAlways, 3, corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("128Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")},
		}},
		{"sluice-activator", "activator-only:a1", corev1.PullIfNotPresent, 2, corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("30m"), corev1.ResourceMemory: q("48Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("300Mi")},
		}},
	}
}

// TestCustomValuesLand renders the chart with every value set and checks
// that each lands in the Deployments, the Secret and the APIService.
func TestCustomValuesLand(t *testing.T) {
	tests := []struct {
		name, secret, wantSecretName string
	}{
		{"certificate as values", "", install.TLSSecretName},
		{"existing secret", "my-adapter-cert", "my-adapter-cert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const ns = "autoscaling"
			vals, m := suppliedTLS(t, ns, tt.secret)
			objs := render(t, ns, vals)
			for _, c := range customComponents() {
				var d appsv1.Deployment
				fromUnstructured(t, find(t, objs, "Deployment", c.name), &d)
				checkDeployment(t, &d, c, tt.wantSecretName)
			}
			checkSuppliedTLS(t, objs, m, tt.secret != "")
		})
	}
}

// checkDeployment checks that d carries the custom values for c.
func checkDeployment(t *testing.T, d *appsv1.Deployment, c component, secret string) {
	t.Helper()
	pod := d.Spec.Template.Spec
	ctr := pod.Containers[0]
	if ctr.Image != c.image || ctr.ImagePullPolicy != c.pullPolicy {
		t.Errorf("%s: image %s (%s), want %s (%s)", d.Name, ctr.Image, ctr.ImagePullPolicy, c.image, c.pullPolicy)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != c.replicas {
		t.Errorf("%s: replicas %v, want %d", d.Name, d.Spec.Replicas, c.replicas)
	}
	if !equality.Semantic.DeepEqual(ctr.Resources, c.resources) {
		t.Errorf("%s: resources %v, want %v", d.Name, ctr.Resources, c.resources)
	}
	for _, arg := range []string{"--log-level=debug", "--log-format=console", "--watch-namespace=team-a", "--watch-namespace=team-b"} {
		if !slices.Contains(ctr.Args, arg) {
			t.Errorf("%s: args %q lack %s", d.Name, ctr.Args, arg)
		}
	}
	if pod.PriorityClassName != "system-cluster-critical" {
		t.Errorf("%s: priorityClassName %q", d.Name, pod.PriorityClassName)
	}
	if pod.NodeSelector["kubernetes.io/os"] != "linux" {
		t.Errorf("%s: nodeSelector %v", d.Name, pod.NodeSelector)
	}
	wantTol := []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "sluice", Effect: corev1.TaintEffectNoSchedule}}
	if !equality.Semantic.DeepEqual(pod.Tolerations, wantTol) {
		t.Errorf("%s: tolerations %v, want %v", d.Name, pod.Tolerations, wantTol)
	}
	if a := pod.Affinity; a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		t.Errorf("%s: affinity %v, want the node affinity of the values", d.Name, a)
	}
	if d.Name == install.AdapterName {
		if got := pod.Volumes[0].Secret.SecretName; got != secret {
			t.Errorf("%s: TLS secret %s, want %s", d.Name, got, secret)
		}
	}
}

// checkSuppliedTLS checks that the APIService trusts the supplied CA and
// that the Secret holds the supplied certificate, or that there is no
// Secret when an existing one is named.
func checkSuppliedTLS(t *testing.T, objs []*unstructured.Unstructured, m *install.TLS, existing bool) {
	t.Helper()
	ca, _, _ := unstructured.NestedString(find(t, objs, "APIService", install.APIServiceName).Object, "spec", "caBundle")
	if ca != base64.StdEncoding.EncodeToString(m.CA) {
		t.Errorf("APIService caBundle is not the supplied CA")
	}
	var secrets []string
	for _, u := range objs {
		if u.GetKind() == "Secret" {
			secrets = append(secrets, u.GetName())
		}
	}
	if existing {
		if len(secrets) != 0 {
			t.Errorf("with an existing secret the chart renders Secrets %v", secrets)
		}
		return
	}
	var s corev1.Secret
	fromUnstructured(t, find(t, objs, "Secret", install.TLSSecretName), &s)
	got := install.TLSFromSecret(s.Data)
	if string(got.Cert) != string(m.Cert) || string(got.Key) != string(m.Key) || string(got.CA) != string(m.CA) {
		t.Errorf("Secret %s does not hold the supplied material", s.Name)
	}
}

// TestGeneratedTLSServesAdapter checks the certificate the chart generates
// with default values as `sluice install` checks its own: for every name
// kube-apiserver may use, signed by the CA in ca.crt and in the
// APIService's caBundle, and not about to expire.
func TestGeneratedTLSServesAdapter(t *testing.T) {
	const ns = "autoscaling"
	objs := render(t, ns, nil)
	var s corev1.Secret
	fromUnstructured(t, find(t, objs, "Secret", install.TLSSecretName), &s)
	if s.Type != corev1.SecretTypeTLS {
		t.Errorf("Secret type %s, want %s", s.Type, corev1.SecretTypeTLS)
	}
	m := install.TLSFromSecret(s.Data)
	if err := install.CheckTLS(m, ns, time.Now()); err != nil {
		t.Errorf("generated certificate: %v", err)
	}
	// The adapter renews it in the cluster with the chart's CA (its key
	// is in ca.key), so the APIService's caBundle need not change.
	p := install.TLSPolicy(ns)
	next, why, err := certs.Renew(m, p, time.Now().Add(p.ServingLifetime-p.RenewBefore+time.Hour))
	if err != nil || next == nil {
		t.Fatalf("renewal before expiry: %v, want new material", err)
	}
	if !bytes.Equal(next.CAKey, m.CAKey) || !bytes.Equal(next.CA, m.CA) {
		t.Errorf("renewal replaced the chart's CA (%s), want it kept", why)
	}
	ca, _, _ := unstructured.NestedString(find(t, objs, "APIService", install.APIServiceName).Object, "spec", "caBundle")
	if ca != base64.StdEncoding.EncodeToString(m.CA) {
		t.Errorf("APIService caBundle is not the CA of Secret %s", s.Name)
	}
}

// TestRequiredTLSValues checks that supplying TLS without a CA, or without
// a certificate and an existing Secret, fails to render.
func TestRequiredTLSValues(t *testing.T) {
	tests := []struct {
		name string
		tls  map[string]any
	}{
		{"no CA", map[string]any{"generate": false, "existingSecret": "s"}},
		{"no certificate", map[string]any{"generate": false, "ca": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := renderErr(t, map[string]any{"tls": tt.tls})
			if err == nil || !strings.Contains(err.Error(), "is required when tls.generate is false") {
				t.Errorf("render with tls %v: %v, want an error naming the missing value", tt.tls, err)
			}
		})
	}
}

// fromUnstructured converts u into the typed obj.
func fromUnstructured(t *testing.T, u *unstructured.Unstructured, obj any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, obj); err != nil {
		t.Fatalf("decode %s: %v", key(u), err)
	}
}
