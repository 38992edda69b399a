package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	externalmetrics "k8s.io/metrics/pkg/client/external_metrics"

	"github.com/sluice-dev/sluice/pkg/activity"
	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/composite"
)

// statusSource reads what status shows: ScaledObjects, their targets'
// /scale, and their metrics from the external metrics API.
type statusSource struct {
	keda    versioned.Interface
	dyn     dynamic.Interface
	mapper  meta.RESTMapper
	metrics externalmetrics.ExternalMetricsClient
}

// rows returns one row per ScaledObject in ns (all when empty), sorted by
// namespace and name.
func (src *statusSource) rows(ctx context.Context, ns string) ([]statusRow, error) {
	list, err := src.keda.KedaV1alpha1().ScaledObjects(ns).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("list scaledobjects: the keda.sh CRDs are not installed (run sluice install): %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("list scaledobjects: %w", err)
	}
	items := list.Items
	sort.Slice(items, func(i, j int) bool {
		if items[i].Namespace != items[j].Namespace {
			return items[i].Namespace < items[j].Namespace
		}
		return items[i].Name < items[j].Name
	})
	rows := make([]statusRow, 0, len(items))
	for i := range items {
		rows = append(rows, src.row(ctx, &items[i]))
	}
	return rows, nil
}

// row reads what status shows about so; failures go into the row.
func (src *statusSource) row(ctx context.Context, so *v1alpha1.ScaledObject) statusRow {
	r := statusRow{
		Namespace: so.Namespace,
		Name:      so.Name,
		Min:       so.Spec.MinReplicas(),
		Max:       so.Spec.MaxReplicas(),
		Ready:     conditionStatus(so, v1alpha1.ConditionReady),
		Active:    conditionStatus(so, v1alpha1.ConditionActive),
	}
	if ref := so.Spec.ScaleTargetRef; ref != nil {
		kind := ref.Kind
		if kind == "" {
			kind = "Deployment"
		}
		r.Target = kind + "/" + ref.Name
		replicas, err := src.replicas(ctx, so)
		if err != nil {
			r.ReplicasError = shortError(err)
		} else {
			r.Replicas = &replicas
		}
	}
	if r.Ready != "True" {
		r.Reason = notReadyReason(so)
	}
	byIndex := map[int32]v1alpha1.TriggerStatus{}
	for _, ts := range so.Status.Triggers {
		byIndex[ts.Index] = ts
	}
	for i, t := range so.Spec.Triggers {
		tr := triggerRow{Type: t.Type, Name: t.Name}
		ts, ok := byIndex[int32(i)]
		switch {
		case t.Type == "cpu" || t.Type == "memory":
			tr.Target = t.Metadata["value"]
		case !ok || ts.MetricName == "":
			tr.Error = "not reported by sluice-adapter yet"
		default:
			tr.Metric, tr.Target = ts.MetricName, ts.Target
			tr.Value, tr.Error = src.metric(so, ts.MetricName)
		}
		r.Triggers = append(r.Triggers, tr)
	}
	if tr, ok := src.compositeRow(so); ok {
		r.Triggers = append(r.Triggers, tr)
	}
	return r
}

// compositeRow is the row of the composite metric of an object with
// scalingModifiers: what the HPA scales on instead of the triggers'
// metrics.
func (src *statusSource) compositeRow(so *v1alpha1.ScaledObject) (triggerRow, bool) {
	if !composite.Used(&so.Spec) {
		return triggerRow{}, false
	}
	tr := triggerRow{Type: "scalingModifiers", Name: "formula", Metric: composite.MetricName}
	f, err := composite.Compile(&so.Spec)
	if err != nil {
		tr.Error = shortError(err)
		return tr, true
	}
	tr.Target = activity.FormatQuantity(f.Target)
	tr.Value, tr.Error = src.metric(so, composite.MetricName)
	return tr, true
}

// replicas reads the current replicas from the target's /scale.
func (src *statusSource) replicas(ctx context.Context, so *v1alpha1.ScaledObject) (int32, error) {
	ref := so.Spec.ScaleTargetRef
	var gvr schema.GroupVersionResource
	if g := so.Status.ScaleTargetGVKR; g != nil && g.Resource != "" {
		gvr = schema.GroupVersionResource{Group: g.Group, Version: g.Version, Resource: g.Resource}
	} else {
		gvk, err := ref.GroupVersionKind()
		if err != nil {
			return 0, fmt.Errorf("apiVersion %q: %w", ref.APIVersion, err)
		}
		m, err := src.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return 0, fmt.Errorf("resolve %s: %w", gvk.Kind, err)
		}
		gvr = m.Resource
	}
	scale, err := src.dyn.Resource(gvr).Namespace(so.Namespace).Get(ctx, ref.Name, metav1.GetOptions{}, "scale")
	if err != nil {
		return 0, err
	}
	n, _, err := unstructured.NestedInt64(scale.Object, "status", "replicas")
	if err != nil {
		return 0, fmt.Errorf("read scale: %w", err)
	}
	return int32(n), nil
}

// metric reads the metric for so as the HPA does, with the selector
// scaledobject.keda.sh/name=<name>, and returns its value (the sum of the
// items) or a short error.
func (src *statusSource) metric(so *v1alpha1.ScaledObject, name string) (value, errText string) {
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: so.Name})
	list, err := src.metrics.NamespacedMetrics(so.Namespace).List(name, sel)
	if err != nil {
		return "", shortError(err)
	}
	if len(list.Items) == 0 {
		return "", "no value"
	}
	sum := list.Items[0].Value.DeepCopy()
	for _, item := range list.Items[1:] {
		sum.Add(item.Value)
	}
	return strconv.FormatFloat(sum.AsApproximateFloat64(), 'f', -1, 64), ""
}

// conditionStatus returns the status of so's condition t, or "".
func conditionStatus(so *v1alpha1.ScaledObject, t v1alpha1.ConditionType) string {
	for _, c := range so.Status.Conditions {
		if c.Type == t {
			return string(c.Status)
		}
	}
	return ""
}

// notReadyReason explains a ScaledObject that is not Ready.
func notReadyReason(so *v1alpha1.ScaledObject) string {
	for _, c := range so.Status.Conditions {
		if c.Type != v1alpha1.ConditionReady {
			continue
		}
		switch {
		case c.Reason != "" && c.Message != "":
			return c.Reason + ": " + c.Message
		case c.Reason != "":
			return c.Reason
		}
		return c.Message
	}
	return "no Ready condition yet (is sluice-activator running?)"
}
