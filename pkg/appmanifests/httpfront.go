package appmanifests

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
)

// DefaultHTTPFront is the address of sluice-http's load endpoint as
// `sluice install` deploys it in its default namespace.
const DefaultHTTPFront = "http://sluice-http.sluice-system.svc:8082"

// DefaultHTTPConcurrency is the in-flight requests per replica the HTTP
// functions scale on behind sluice-http when --http-target is not given.
const DefaultHTTPConcurrency = 100

// validateHTTPFront checks the options of --http-scale-to-zero.
func (o Options) validateHTTPFront() []error {
	if !o.HTTPScaleToZero {
		if o.HTTPFront != "" || len(o.HTTPHosts) > 0 {
			return []error{errors.New("--http-front and --http-host: need --http-scale-to-zero")}
		}
		return nil
	}
	var errs []error
	if o.HTTPPrometheusServer != "" || o.HTTPQuery != "" {
		errs = append(errs, errors.New("--http-scale-to-zero: give it or --http-prometheus-server, not both"))
	}
	if o.Namespace == "" {
		errs = append(errs, errors.New("--http-scale-to-zero: needs a namespace (--namespace)"))
	}
	if o.HTTPFront != "" {
		u, err := url.Parse(o.HTTPFront)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("--http-front %q: must be an http or https URL without a path, like %s", o.HTTPFront, DefaultHTTPFront))
		}
	}
	for _, h := range o.HTTPHosts {
		for _, msg := range validation.IsDNS1123Subdomain(h) {
			errs = append(errs, fmt.Errorf("--http-host %q: %s", h, msg))
		}
	}
	return errs
}

// httpFrontScaledObject builds the ScaledObject <name>-http for an app
// behind sluice-http: it may rest at zero, the front routes to its
// Service by the annotations, and a metrics-api trigger reads the
// concurrency the front measures.
func httpFrontScaledObject(o Options) *v1alpha1.ScaledObject {
	name := httpName(o.Name)
	so := scaledObject(name, RoleHTTP, o)
	so.Spec.MinReplicaCount = o.MinReplicas
	if so.Spec.MinReplicaCount == nil {
		zero := int32(0)
		so.Spec.MinReplicaCount = &zero
	}
	so.Annotations = map[string]string{v1alpha1.AnnotationHTTPService: fmt.Sprintf("%s:%d", name, httpPort)}
	if len(o.HTTPHosts) > 0 {
		so.Annotations[v1alpha1.AnnotationHTTPHosts] = strings.Join(o.HTTPHosts, ",")
	}
	front := strings.TrimSuffix(o.HTTPFront, "/")
	if front == "" {
		front = DefaultHTTPFront
	}
	target := o.HTTPTarget
	if target == 0 {
		target = DefaultHTTPConcurrency
	}
	so.Spec.Triggers = []v1alpha1.ScaleTriggers{{
		Type: "metrics-api",
		Name: "http-concurrency",
		Metadata: map[string]string{
			"url":           fmt.Sprintf("%s/apps/%s/%s", front, o.Namespace, name),
			"valueLocation": "concurrency",
			"targetValue":   strconv.FormatFloat(target, 'f', -1, 64),
		},
	}}
	return so
}
