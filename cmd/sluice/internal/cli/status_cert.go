package cli

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/sluice-dev/sluice/pkg/certs"
	"github.com/sluice-dev/sluice/pkg/install"
)

var (
	apiServicesGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
	secretsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// certificateLine says when the serving certificate of the adapter behind
// the external metrics APIService expires, read from the Secret install
// writes in the Service's namespace, and warns when it is due.
func (src *statusSource) certificateLine(ctx context.Context, now time.Time) string {
	api, err := src.dyn.Resource(apiServicesGVR).Get(ctx, install.APIServiceName, metav1.GetOptions{})
	if err != nil {
		return "adapter certificate: unknown: " + shortError(err)
	}
	ns, _, _ := unstructured.NestedString(api.Object, "spec", "service", "namespace")
	if ns == "" {
		return "adapter certificate: unknown: APIService " + install.APIServiceName + " names no Service"
	}
	s, err := src.dyn.Resource(secretsGVR).Namespace(ns).Get(ctx, install.TLSSecretName, metav1.GetOptions{})
	if err != nil {
		return "adapter certificate: unknown: " + shortError(err)
	}
	crt, _, _ := unstructured.NestedString(s.Object, "data", certs.KeyCert)
	pem, err := base64.StdEncoding.DecodeString(crt)
	if err != nil {
		return fmt.Sprintf("adapter certificate: unknown: secret %s/%s: %s is not base64", ns, install.TLSSecretName, certs.KeyCert)
	}
	return certificateExpiry(pem, ns, now, install.TLSPolicy(ns).RenewBefore)
}

// certificateExpiry renders the expiry of the first certificate of pem.
func certificateExpiry(pem []byte, ns string, now time.Time, renewBefore time.Duration) string {
	leaf, err := certs.LeafOf(pem)
	if err != nil {
		return fmt.Sprintf("adapter certificate: unknown: secret %s/%s: %v", ns, install.TLSSecretName, err)
	}
	left := leaf.NotAfter.Sub(now)
	line := fmt.Sprintf("adapter certificate: expires %s (in %d days)", leaf.NotAfter.UTC().Format(time.RFC3339), int(left.Hours()/24))
	switch {
	case left <= 0:
		return fmt.Sprintf("adapter certificate: EXPIRED on %s: external metrics are down; see the Events of APIService %s", leaf.NotAfter.UTC().Format(time.RFC3339), install.APIServiceName)
	case left < renewBefore:
		return line + "; WARNING: due for renewal and not renewed: see the Events of APIService " + install.APIServiceName
	}
	return line
}
