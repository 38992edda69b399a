package install

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// fakeInstaller returns an Installer over a fake cluster holding objs,
// whose clock reads *now.
func fakeInstaller(t *testing.T, now *time.Time, objs ...runtime.Object) (*Installer, *bytes.Buffer) {
	t.Helper()
	list := map[schemaGVR]string{}
	for _, k := range kinds() {
		list[k.gvr] = k.name + "List"
	}
	list[scaledObjectsGVR()] = "ScaledObjectList"
	var out bytes.Buffer
	c := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), list, objs...)
	return &Installer{Client: c, Out: &out, Now: func() time.Time { return *now }}, &out
}

// secretOf returns the TLS Secret of a plan.
func secretOf(t *testing.T, objs []*unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	for _, u := range objs {
		if u.GetKind() == "Secret" && u.GetName() == TLSSecretName {
			return u
		}
	}
	t.Fatal("no TLS secret in the plan")
	return nil
}

func TestPlanKeepsAndRenewsTheCertificate(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in, out := fakeInstaller(t, &now)
	first, err := in.Plan(ctx, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	secret := secretOf(t, first)
	if _, err := in.Client.Resource(resourceOf("Secret")).Namespace(DefaultNamespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	crt := func(objs []*unstructured.Unstructured) string {
		s, _, _ := unstructured.NestedString(secretOf(t, objs).Object, "data", KeyCert)
		return s
	}
	tests := []struct {
		name string
		at   time.Time
		keep bool
		log  string
	}{
		{"rerun the next day", now.Add(24 * time.Hour), true, "keeping the certificate"},
		{"rerun 20 days before expiry", now.Add(TLSPolicy(DefaultNamespace).ServingLifetime - 20*24*time.Hour), false, "replacing the certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out.Reset()
			now = tt.at
			objs, err := in.Plan(ctx, Options{}, false)
			if err != nil {
				t.Fatal(err)
			}
			if kept := crt(objs) == crt(first); kept != tt.keep {
				t.Errorf("certificate kept: %v, want %v", kept, tt.keep)
			}
			if !strings.Contains(out.String(), tt.log) {
				t.Errorf("output %q, want it to contain %q", out.String(), tt.log)
			}
		})
	}
}

func TestPlanLeavesOutAForeignNamespace(t *testing.T) {
	now := time.Now()
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName("default")
	in, _ := fakeInstaller(t, &now, ns)
	objs, err := in.Plan(context.Background(), Options{Namespace: "default"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range objs {
		if u.GetKind() == "Namespace" {
			t.Errorf("plan applies namespace %s that install did not create", u.GetName())
		}
	}
}

func TestPlanStopsAtAForeignAPIService(t *testing.T) {
	now := time.Now()
	in, out := fakeInstaller(t, &now, apiService("keda", "keda-operator-metrics-apiserver", nil, ""))
	_, err := in.Plan(context.Background(), Options{}, false)
	var foreign *ForeignAPIServiceError
	if !errors.As(err, &foreign) || foreign.Service != "keda/keda-operator-metrics-apiserver" || foreign.Owner != "KEDA" {
		t.Fatalf("Plan: %v, want a ForeignAPIServiceError naming keda/keda-operator-metrics-apiserver and KEDA", err)
	}
	if _, err := in.Plan(context.Background(), Options{}, true); err != nil {
		t.Fatalf("Plan with force: %v", err)
	}
	if !strings.Contains(out.String(), "taking over") {
		t.Errorf("output %q does not say that --force takes the APIService over", out.String())
	}
}
