// Package install builds and applies what `sluice install` puts in a
// cluster: the CRDs and the components' manifests embedded from deploy/,
// with the namespace and image tag substituted, a serving certificate for
// sluice-adapter kept in a Secret, and the APIService that trusts it. It
// also removes them again and refuses to take over an external metrics API
// that belongs to something else.
package install

import (
	"k8s.io/apimachinery/pkg/labels"

	"github.com/sluice-dev/sluice/pkg/appmanifests"
)

// Labels set on every object install creates; remove finds them by both.
const (
	// LabelManagedBy is app.kubernetes.io/managed-by, value
	// appmanifests.ManagedBy ("sluice").
	LabelManagedBy = appmanifests.LabelManagedBy
	// LabelPartOf is app.kubernetes.io/part-of, value PartOf; deploy's app
	// objects do not carry it, so remove never touches them.
	LabelPartOf = "app.kubernetes.io/part-of"
	// PartOf is the value of LabelPartOf.
	PartOf = "sluice"
	// FieldManager is the field manager of every write.
	FieldManager = appmanifests.ManagedBy
)

// Names of the objects other code refers to.
const (
	// DefaultNamespace is where the components run unless told otherwise.
	DefaultNamespace = "sluice-system"
	// APIServiceName is the cluster-wide external metrics APIService.
	APIServiceName = "v1beta1.external.metrics.k8s.io"
	// AdapterName names the adapter's Deployment, Service and
	// ServiceAccount.
	AdapterName = "sluice-adapter"
	// TLSSecretName is the Secret with the adapter's serving certificate
	// (tls.crt, tls.key) and its CA (ca.crt).
	TLSSecretName = "sluice-adapter-tls"
	// DefaultRegistry is where the component images are published.
	DefaultRegistry = "ghcr.io/sluice-dev"
)

// Selector matches the objects install created.
func Selector() labels.Selector {
	return labels.SelectorFromSet(installLabels())
}

// installLabels are the labels of every object install creates.
func installLabels() labels.Set {
	return labels.Set{LabelManagedBy: appmanifests.ManagedBy, LabelPartOf: PartOf}
}
