package testenv

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

var (
	crdGVR        = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	apiServiceGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
)

// InstallCRDs creates (or updates, with server-side apply) each
// CustomResourceDefinition given as YAML and waits until all are
// Established.
func (cp *ControlPlane) InstallCRDs(ctx context.Context, docs ...[]byte) error {
	dyn, err := dynamic.NewForConfig(cp.Config)
	if err != nil {
		return fmt.Errorf("build dynamic client: %w", err)
	}
	names := make([]string, 0, len(docs))
	for _, doc := range docs {
		var obj unstructured.Unstructured
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return fmt.Errorf("decode CRD: %w", err)
		}
		if _, err := dyn.Resource(crdGVR).Apply(ctx, obj.GetName(), &obj, metav1.ApplyOptions{FieldManager: "sluice-testenv", Force: true}); err != nil {
			return fmt.Errorf("apply CRD %s: %w", obj.GetName(), err)
		}
		names = append(names, obj.GetName())
	}
	for _, name := range names {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			obj, err := dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return conditionTrue(obj, "Established"), nil
		})
		if err != nil {
			return fmt.Errorf("wait for CRD %s to be established: %w", name, err)
		}
	}
	return nil
}

// APIService describes an aggregated API served by a process listening on
// https://localhost:<Port>.
type APIService struct {
	// Group and Version of the API, for example external.metrics.k8s.io
	// and v1beta1.
	Group, Version string
	// Port the server listens on, on localhost.
	Port int
	// CABundle verifies the server's certificate. Required: tests run with
	// TLS verification on.
	CABundle []byte
	// Namespace of the ExternalName Service; "default" when empty.
	Namespace string
}

// RegisterAPIService points kube-apiserver's aggregator at a server on
// localhost: an ExternalName Service `localhost` (Endpoints may not hold
// loopback addresses, but an ExternalName may name one) and an APIService
// `<version>.<group>` that uses it.
func (cp *ControlPlane) RegisterAPIService(ctx context.Context, s APIService) error {
	if len(s.CABundle) == 0 {
		return fmt.Errorf("register APIService %s.%s: CABundle is required", s.Version, s.Group)
	}
	if s.Namespace == "" {
		s.Namespace = metav1.NamespaceDefault
	}
	svcName := apiServiceName(s.Port)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: svcName, Namespace: s.Namespace},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "localhost",
			Ports:        []corev1.ServicePort{{Name: "https", Port: int32(s.Port)}},
		},
	}
	if _, err := cp.Client.CoreV1().Services(s.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create service %s: %w", svcName, err)
	}
	dyn, err := dynamic.NewForConfig(cp.Config)
	if err != nil {
		return fmt.Errorf("build dynamic client: %w", err)
	}
	name := s.Version + "." + s.Group
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"group":                s.Group,
			"version":              s.Version,
			"groupPriorityMinimum": int64(100),
			"versionPriority":      int64(100),
			"caBundle":             base64.StdEncoding.EncodeToString(s.CABundle),
			"service":              map[string]any{"namespace": s.Namespace, "name": svcName, "port": int64(s.Port)},
		},
	}}
	if _, err := dyn.Resource(apiServiceGVR).Apply(ctx, name, obj, metav1.ApplyOptions{FieldManager: "sluice-testenv", Force: true}); err != nil {
		return fmt.Errorf("apply APIService %s: %w", name, err)
	}
	return nil
}

// APIServiceHost is the name kube-apiserver verifies in the certificate of
// a server that RegisterAPIService registered on port in namespace ("" for
// default).
func APIServiceHost(port int, namespace string) string {
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	return apiServiceName(port) + "." + namespace + ".svc"
}

// AnyAPIServiceHost is a certificate name (a wildcard) that matches
// APIServiceHost for every port in namespace ("" for default): a server
// started on port 0 needs its certificate before it knows its port.
func AnyAPIServiceHost(namespace string) string {
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	return "*." + namespace + ".svc"
}

func apiServiceName(port int) string { return "apiservice-" + itoa(port) }

// WaitAPIServiceAvailable waits until the APIService `<version>.<group>`
// reports Available=True.
func (cp *ControlPlane) WaitAPIServiceAvailable(ctx context.Context, group, version string, timeout time.Duration) error {
	dyn, err := dynamic.NewForConfig(cp.Config)
	if err != nil {
		return fmt.Errorf("build dynamic client: %w", err)
	}
	name := version + "." + group
	var last *unstructured.Unstructured
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		obj, err := dyn.Resource(apiServiceGVR).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // keep waiting; the last state is reported below
		}
		last = obj
		return conditionTrue(obj, "Available"), nil
	})
	if err != nil {
		var conds []any
		if last != nil {
			conds, _, _ = unstructured.NestedSlice(last.Object, "status", "conditions")
		}
		return fmt.Errorf("wait for APIService %s to become available: %w (conditions: %v)", name, err, conds)
	}
	return nil
}

// conditionTrue reports whether obj has status.conditions[type=t].status
// True.
func conditionTrue(obj *unstructured.Unstructured, t string) bool {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == t && m["status"] == "True" {
			return true
		}
	}
	return false
}
