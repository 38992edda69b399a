package appmanifests

import (
	"errors"
	"fmt"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// maxNameLength keeps "<name>-http" a valid DNS-1123 label.
const maxNameLength = validation.DNS1123LabelMaxLength - len("-http")

// Options say how an app is deployed. Pointer fields are set only when the
// user gave them; the generated objects then carry them, and otherwise
// leave the server's defaults.
type Options struct {
	// Name names the app's objects; a DNS-1123 label of at most 58
	// characters.
	Name string
	// Namespace of every object; empty leaves it unset.
	Namespace string
	// Image is the container image of both workloads.
	Image string
	// PullSecret names a Secret used as imagePullSecrets; optional.
	PullSecret string
	// MinReplicas is the ScaledObjects' minReplicaCount and the worker
	// Deployment's initial replicas.
	MinReplicas *int32
	// MaxReplicas is the ScaledObjects' maxReplicaCount.
	MaxReplicas *int32
	// PollingInterval is the ScaledObjects' pollingInterval in seconds.
	PollingInterval *int32
	// CooldownPeriod is the ScaledObjects' cooldownPeriod in seconds.
	CooldownPeriod *int32
	// UseConfigMap stores the settings in a ConfigMap instead of a Secret.
	UseConfigMap bool
	// ServiceType of the HTTP Service; ClusterIP when empty.
	ServiceType corev1.ServiceType
	// HTTPPrometheusServer is the Prometheus address the HTTP
	// ScaledObject queries; with HTTPTarget it enables that ScaledObject.
	HTTPPrometheusServer string
	// HTTPTarget is the request rate per second per replica to scale the
	// HTTP Deployment on.
	HTTPTarget float64
	// HTTPQuery overrides the PromQL request-rate query; see DefaultHTTPQuery.
	HTTPQuery string
	// HTTPScaleToZero puts the HTTP functions behind sluice-http: their
	// ScaledObject may rest at zero and scales on the concurrency the front
	// measures (HTTPTarget per replica, DefaultHTTPConcurrency when 0).
	HTTPScaleToZero bool
	// HTTPFront is sluice-http's load endpoint; DefaultHTTPFront when empty.
	HTTPFront string
	// HTTPHosts are the request hosts sluice-http routes to the app; any
	// host when empty.
	HTTPHosts []string
	// Triggers are added to the worker ScaledObject, after the triggers of
	// the functions.
	Triggers []v1alpha1.ScaleTriggers
}

// Validate reports every problem with the options at once; the errors
// name the deploy command's flags.
func (o Options) Validate() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case o.Name == "":
		add("--name: required")
	case len(o.Name) > maxNameLength:
		add("--name: must be at most %d characters", maxNameLength)
	default:
		for _, msg := range validation.IsDNS1123Label(o.Name) {
			add("--name %q: %s", o.Name, msg)
		}
	}
	if o.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(o.Namespace) {
			add("--namespace %q: %s", o.Namespace, msg)
		}
	}
	if o.Image == "" {
		add("an image is required: give --image-name, or --registry to build one")
	}
	if o.PullSecret != "" {
		for _, msg := range validation.IsDNS1123Subdomain(o.PullSecret) {
			add("--pull-secret %q: %s", o.PullSecret, msg)
		}
	}
	if o.MinReplicas != nil && *o.MinReplicas < 0 {
		add("--min-replicas: must not be negative")
	}
	if o.MaxReplicas != nil && *o.MaxReplicas < 1 {
		add("--max-replicas: must be at least 1")
	}
	if o.MinReplicas != nil && o.MaxReplicas != nil && *o.MinReplicas > *o.MaxReplicas {
		add("--min-replicas: must not be greater than --max-replicas")
	}
	if o.PollingInterval != nil && *o.PollingInterval < 1 {
		add("--polling-interval: must be at least 1 second")
	}
	if o.CooldownPeriod != nil && *o.CooldownPeriod < 0 {
		add("--cooldown-period: must not be negative")
	}
	switch o.ServiceType {
	case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	default:
		add("--service-type %q: must be ClusterIP, NodePort or LoadBalancer", o.ServiceType)
	}
	errs = append(errs, o.validateHTTP()...)
	errs = append(errs, o.validateHTTPFront()...)
	return errs
}

// validateHTTP checks the HTTP scaling options.
func (o Options) validateHTTP() []error {
	var errs []error
	if !o.HTTPScaleToZero && (o.HTTPPrometheusServer == "") != (o.HTTPTarget == 0) {
		errs = append(errs, errors.New("--http-prometheus-server and --http-target: give both or neither"))
	}
	if o.HTTPTarget < 0 {
		errs = append(errs, errors.New("--http-target: must be positive"))
	}
	if o.HTTPPrometheusServer != "" {
		u, err := url.Parse(o.HTTPPrometheusServer)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--http-prometheus-server %q: must be an http or https URL", o.HTTPPrometheusServer))
		}
	}
	return errs
}
