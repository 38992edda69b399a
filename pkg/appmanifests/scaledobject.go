package appmanifests

import (
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/functions"
)

// DefaultHTTPQuery returns the PromQL query for the request rate of the
// HTTP Service of app name in namespace: the rate of http_requests_total
// as an ingress controller or service mesh labels it with the service.
func DefaultHTTPQuery(namespace, name string) string {
	return fmt.Sprintf(`sum(rate(http_requests_total{namespace=%q,service=%q}[1m]))`, namespace, httpName(name))
}

// workerScaledObject builds the ScaledObject <name> over the worker
// Deployment, or nil when there is no trigger.
func workerScaledObject(plan *functions.Plan, o Options) *v1alpha1.ScaledObject {
	var triggers []v1alpha1.ScaleTriggers
	for _, s := range plan.Scaled {
		triggers = append(triggers, s.Trigger)
	}
	triggers = append(triggers, o.Triggers...)
	if len(triggers) == 0 {
		return nil
	}
	so := scaledObject(o.Name, RoleWorker, o)
	so.Spec.MinReplicaCount = o.MinReplicas
	so.Spec.Triggers = triggers
	return so
}

// httpScaledObject builds the ScaledObject <name>-http that scales the
// HTTP Deployment on its request rate. Its minReplicaCount is at least 1:
// without a replica there are no requests to measure.
func httpScaledObject(o Options) *v1alpha1.ScaledObject {
	so := scaledObject(httpName(o.Name), RoleHTTP, o)
	floor := int32(1)
	if o.MinReplicas != nil && *o.MinReplicas > floor {
		floor = *o.MinReplicas
	}
	so.Spec.MinReplicaCount = &floor
	query := o.HTTPQuery
	if query == "" {
		query = DefaultHTTPQuery(o.Namespace, o.Name)
	}
	so.Spec.Triggers = []v1alpha1.ScaleTriggers{{
		Type: "prometheus",
		Name: "http-requests",
		Metadata: map[string]string{
			"serverAddress": o.HTTPPrometheusServer,
			"query":         query,
			"threshold":     strconv.FormatFloat(o.HTTPTarget, 'f', -1, 64),
		},
	}}
	return so
}

// scaledObject builds a ScaledObject name over the Deployment name with
// the options' bounds and intervals.
func scaledObject(name, role string, o Options) *v1alpha1.ScaledObject {
	return &v1alpha1.ScaledObject{
		TypeMeta:   typeMeta(v1alpha1.SchemeGroupVersion.String(), "ScaledObject"),
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: o.Namespace, Labels: objectLabels(o.Name, role)},
		Spec: v1alpha1.ScaledObjectSpec{
			ScaleTargetRef:  &v1alpha1.ScaleTarget{Name: name},
			PollingInterval: o.PollingInterval,
			CooldownPeriod:  o.CooldownPeriod,
			MaxReplicaCount: o.MaxReplicas,
		},
	}
}
