package main

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/metrics/pkg/apis/external_metrics/v1beta1"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
)

// snapshot is one observation of the whole story. Unknown numbers are -1.
type snapshot struct {
	queue       int
	metric      string // as the HPA reads it through kube-apiserver
	hpaDesired  int
	replicas    int // the Deployment's spec.replicas
	active      string
	ready       string
	problemText string // the first thing that could not be read
}

// observer reads a snapshot from Azurite and kube-apiserver.
type observer struct {
	q    *queue
	kube kubernetes.Interface
	keda versioned.Interface
	ns   string
	name string
}

// newObserver builds the clients for the app name in namespace ns.
func newObserver(ctx context.Context, info envInfo, ns, name string) (*observer, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", info.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	o := &observer{ns: ns, name: name}
	if o.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("build client: %w", err)
	}
	if o.keda, err = versioned.NewForConfig(cfg); err != nil {
		return nil, fmt.Errorf("build keda client: %w", err)
	}
	if o.q, err = newQueue(ctx, info.QueueConn, queueName); err != nil {
		return nil, err
	}
	return o, nil
}

// observe reads everything once; what fails to read shows as unknown.
func (o *observer) observe(ctx context.Context) snapshot {
	s := snapshot{queue: -1, metric: "-", hpaDesired: -1, replicas: -1, active: "-", ready: "-"}
	problem := func(what string, err error) {
		if s.problemText == "" {
			s.problemText = what + ": " + err.Error()
		}
	}
	if n, err := o.q.length(ctx); err == nil {
		s.queue = n
	} else {
		problem("queue", err)
	}
	if d, err := o.kube.AppsV1().Deployments(o.ns).Get(ctx, o.name, metav1.GetOptions{}); err == nil && d.Spec.Replicas != nil {
		s.replicas = int(*d.Spec.Replicas)
	} else if err != nil {
		problem("deployment", err)
	}
	so, err := o.keda.KedaV1alpha1().ScaledObjects(o.ns).Get(ctx, o.name, metav1.GetOptions{})
	if err != nil {
		problem("scaledobject", err)
		return s
	}
	s.active = condition(so, v1alpha1.ConditionActive)
	s.ready = condition(so, v1alpha1.ConditionReady)
	hpa, err := o.kube.AutoscalingV2().HorizontalPodAutoscalers(o.ns).Get(ctx, so.HPAName(), metav1.GetOptions{})
	if err != nil {
		return s // not created yet: the activator creates it
	}
	s.hpaDesired = int(hpa.Status.DesiredReplicas)
	for _, m := range hpa.Spec.Metrics {
		if m.External == nil {
			continue
		}
		list, err := o.metric(ctx, m.External.Metric.Name)
		if err != nil {
			problem("external metric", err)
			break
		}
		if len(list.Items) > 0 {
			s.metric = list.Items[0].Value.String()
		}
		break
	}
	return s
}

// condition returns a condition's status, or "-".
func condition(so *v1alpha1.ScaledObject, t v1alpha1.ConditionType) string {
	if c := so.Status.Condition(t); c != nil {
		return string(c.Status)
	}
	return "-"
}

// metric reads an external metric through kube-apiserver, as the HPA
// controller does.
func (o *observer) metric(ctx context.Context, name string) (*v1beta1.ExternalMetricValueList, error) {
	sel := labels.SelectorFromSet(labels.Set{v1alpha1.LabelScaledObjectName: o.name})
	b, err := o.kube.Discovery().RESTClient().Get().
		AbsPath("/apis/external.metrics.k8s.io/v1beta1/namespaces", o.ns, name).
		Param("labelSelector", sel.String()).DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	var list v1beta1.ExternalMetricValueList
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("decode external metric: %w", err)
	}
	return &list, nil
}
