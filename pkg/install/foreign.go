package install

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// ForeignAPIServiceError means the external metrics APIService belongs to
// another server; Kubernetes serves one per cluster.
type ForeignAPIServiceError struct {
	// Service is "<namespace>/<name>" of the Service it points at, or
	// "local" when kube-apiserver serves it itself.
	Service string
	// Owner is a guess at the software behind it, for people.
	Owner string
}

// Error names the service and the likely owner and says what to do.
func (e *ForeignAPIServiceError) Error() string {
	return fmt.Sprintf("APIService %s is served by %s (service %s), not by sluice: a cluster has one external metrics API; uninstall %s first, or rerun with --force to take the APIService over",
		APIServiceName, e.Owner, e.Service, e.Owner)
}

// IsOurs reports whether install wrote the APIService: it carries the
// install labels or the field manager "sluice" owns fields of it.
func IsOurs(apisvc *unstructured.Unstructured) bool {
	l := apisvc.GetLabels()
	if l[LabelManagedBy] == appmanifests.ManagedBy && l[LabelPartOf] == PartOf {
		return true
	}
	for _, mf := range apisvc.GetManagedFields() {
		if mf.Manager == FieldManager {
			return true
		}
	}
	return false
}

// Foreign returns a *ForeignAPIServiceError when apisvc is not ours, else
// nil.
func Foreign(apisvc *unstructured.Unstructured) error {
	if IsOurs(apisvc) {
		return nil
	}
	ns, _, _ := unstructured.NestedString(apisvc.Object, "spec", "service", "namespace")
	name, _, _ := unstructured.NestedString(apisvc.Object, "spec", "service", "name")
	svc := "local"
	if name != "" {
		svc = ns + "/" + name
	}
	return &ForeignAPIServiceError{Service: svc, Owner: guessOwner(apisvc, svc)}
}

// knownOwners maps a word found in the service, labels or field managers
// of an APIService to the software that usually registers it.
func knownOwners() []struct{ word, owner string } {
	return []struct{ word, owner string }{
		{"keda", "KEDA"},
		{"prometheus-adapter", "prometheus-adapter"},
		{"datadog", "the Datadog Cluster Agent"},
		{"stackdriver", "the Google Cloud (Stackdriver) metrics adapter"},
		{"kube-metrics-adapter", "kube-metrics-adapter"},
		{"azure", "the Azure Kubernetes metrics adapter"},
		{"newrelic", "the New Relic metrics adapter"},
		{"dynatrace", "the Dynatrace metrics adapter"},
		{"cloudwatch", "the AWS CloudWatch metrics adapter"},
	}
}

// guessOwner names the likely owner of apisvc from svc, its labels and its
// field managers.
func guessOwner(apisvc *unstructured.Unstructured, svc string) string {
	hay := []string{svc}
	for k, v := range apisvc.GetLabels() {
		hay = append(hay, k+"="+v)
	}
	for _, mf := range apisvc.GetManagedFields() {
		hay = append(hay, mf.Manager)
	}
	text := strings.ToLower(strings.Join(hay, " "))
	for _, k := range knownOwners() {
		if strings.Contains(text, k.word) {
			return k.owner
		}
	}
	if svc == "local" {
		return "kube-apiserver itself"
	}
	return "another metrics server"
}
