package adapter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/composite"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/scalers"
)

// resourceTriggers are decoded by the activator into Resource metrics of
// the HPA; the adapter neither polls nor reports them.
var resourceTriggers = map[string]bool{"cpu": true, "memory": true}

// invalidTrigger is a trigger that could not be built; its message names
// the parameter and never holds a secret. A transient one failed to read
// its configuration (a timeout, a 5xx): it is a warning, not a verdict on
// the configuration.
type invalidTrigger struct {
	index     int
	name      string
	typ       string
	message   string
	transient bool
}

// resolution is what the adapter makes of one ScaledObject.
type resolution struct {
	spec    poll.ObjectSpec
	invalid []invalidTrigger
	// deps are the Secrets and ConfigMaps the triggers read: a change of
	// any re-resolves the object.
	deps []objRef
}

// resolver turns ScaledObjects into poll specs: it resolves authentication
// and environment parameters and builds each trigger with the registry.
type resolver struct {
	kube         kubernetes.Interface
	dyn          dynamic.Interface
	mapper       meta.RESTMapper
	w            *watches
	registry     *scalers.Registry
	ownNamespace string
	log          *zap.Logger
	// objects reads Secrets and ConfigMaps; direct GETs when nil.
	objects scalers.ObjectReader
}

// resolve builds every trigger of so. Triggers that cannot be built are
// reported in invalid; the others are polled.
func (r *resolver) resolve(ctx context.Context, so *v1alpha1.ScaledObject) (res resolution) {
	res = resolution{spec: poll.ObjectSpec{
		PollingInterval: time.Duration(so.Spec.PollingIntervalSeconds()) * time.Second,
		Fallback:        so.Spec.Fallback,
	}}
	// A formula that does not compile leaves Composite nil; the status
	// says why (compositeActive) and the activator sets Ready=False.
	res.spec.Composite, _ = composite.Compile(&so.Spec)
	rd := &recordingReader{inner: r.reader()}
	env := &targetEnv{r: r, so: so, rd: rd, seen: rd.record}
	defer func() { res.deps = rd.refs() }()
	for i, t := range so.Spec.Triggers {
		if resourceTriggers[t.Type] {
			continue
		}
		trig, err := r.build(ctx, so, i, t, env)
		if err != nil {
			res.invalid = append(res.invalid, invalidTrigger{index: i, name: t.Name, typ: t.Type, message: truncate(err.Error(), maxMessageLength), transient: isTransientErr(err)})
			continue
		}
		metric := scalers.MetricName(i, trig.MetricName)
		if err := checkMetricName(i, t, metric); err != nil {
			res.invalid = append(res.invalid, invalidTrigger{index: i, name: t.Name, typ: t.Type, message: truncate(err.Error(), maxMessageLength)})
			continue
		}
		res.spec.Triggers = append(res.spec.Triggers, poll.TriggerSpec{
			Index: i, Name: t.Name, Type: t.Type,
			MetricName:  metric,
			ValueTarget: t.MetricType == autoscalingv2.ValueMetricType,
			Trigger:     trig,
		})
	}
	return res
}

// build resolves one trigger's parameters and constructs it.
func (r *resolver) build(ctx context.Context, so *v1alpha1.ScaledObject, i int, t v1alpha1.ScaleTriggers, env *targetEnv) (*scalers.Trigger, error) {
	cfg := scalers.Config{
		Index: i, Name: t.Name, Type: t.Type, Metadata: t.Metadata,
		Logger: r.log.Named(t.Type), AsMetricSource: composite.Used(&so.Spec),
	}
	if t.AuthenticationRef != nil {
		spec, err := r.authSpec(so.Namespace, t.AuthenticationRef)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", scalers.TriggerLabel(cfg), err)
		}
		ns, err := scalers.AuthNamespace(t.AuthenticationRef, so.Namespace, r.ownNamespace)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", scalers.TriggerLabel(cfg), err)
		}
		if cfg.AuthParams, err = scalers.ResolveAuth(ctx, env.rd, spec, ns, env.container); err != nil {
			return nil, classify(fmt.Errorf("%s: authenticationRef %q: %w", scalers.TriggerLabel(cfg), t.AuthenticationRef.Name, err))
		}
	}
	if readsEnv(t.Metadata) {
		var err error
		if cfg.Env, err = env.container(ctx, ""); err != nil {
			return nil, classify(fmt.Errorf("%s: %w", scalers.TriggerLabel(cfg), err))
		}
	}
	return r.registry.Build(cfg)
}

// authSpec returns the spec of the TriggerAuthentication or
// ClusterTriggerAuthentication ref names.
func (r *resolver) authSpec(namespace string, ref *v1alpha1.AuthenticationRef) (*v1alpha1.TriggerAuthenticationSpec, error) {
	if ref.Kind == scalers.KindClusterTriggerAuthentication {
		cta, err := r.w.cluster.Get(ref.Name)
		if err != nil {
			return nil, fmt.Errorf("get ClusterTriggerAuthentication %q: %w", ref.Name, err)
		}
		return &cta.Spec, nil
	}
	if ref.Kind != "" && ref.Kind != scalers.KindTriggerAuthentication {
		return nil, fmt.Errorf("authenticationRef %q: unknown kind %q", ref.Name, ref.Kind)
	}
	ta, err := r.w.triggerAuthentication(namespace, ref.Name)
	if err != nil {
		return nil, fmt.Errorf("get TriggerAuthentication %q: %w", ref.Name, err)
	}
	return &ta.Spec, nil
}

// readsEnv reports whether metadata names a <param>FromEnv parameter.
func readsEnv(metadata map[string]string) bool {
	for k := range metadata {
		if strings.HasSuffix(k, "FromEnv") {
			return true
		}
	}
	return false
}

// reader reads Secrets and ConfigMaps only when a trigger references them:
// through the watched copies when set up, else with direct GETs.
func (r *resolver) reader() scalers.ObjectReader {
	if r.objects != nil {
		return r.objects
	}
	return apiReader{r.kube}
}

type apiReader struct{ kube kubernetes.Interface }

func (a apiReader) Secret(ctx context.Context, ns, name string) (*corev1.Secret, error) {
	return a.kube.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
}

func (a apiReader) ConfigMap(ctx context.Context, ns, name string) (*corev1.ConfigMap, error) {
	return a.kube.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
}

// targetEnv reads the scale target's pod template once, on first use, and
// resolves container environments from it.
type targetEnv struct {
	r  *resolver
	rd scalers.ObjectReader
	// seen records the target as read, so that a change of its pod
	// template re-resolves the object.
	seen func(objRef)
	so   *v1alpha1.ScaledObject
	pod  *corev1.PodSpec
	err  error
	read bool
}

// container implements scalers.ContainerEnv.
func (e *targetEnv) container(ctx context.Context, name string) (map[string]string, error) {
	if !e.read {
		e.read = true
		e.pod, e.err = e.r.podSpec(ctx, e.so, e.seen)
	}
	if e.err != nil {
		return nil, e.err
	}
	if name == "" {
		name = e.so.Spec.ScaleTargetRef.EnvSourceContainerName
	}
	return scalers.ResolveEnv(ctx, e.rd, e.so.Namespace, e.pod, name)
}

// podSpec returns the pod template of the scale target: spec.template of a
// Deployment, StatefulSet or any resource that has one.
func (r *resolver) podSpec(ctx context.Context, so *v1alpha1.ScaledObject, seen func(objRef)) (*corev1.PodSpec, error) {
	ref := so.Spec.ScaleTargetRef
	if ref == nil || ref.Name == "" {
		return nil, fmt.Errorf("scaleTargetRef.name is empty")
	}
	gvk, err := ref.GroupVersionKind()
	if err != nil {
		return nil, fmt.Errorf("scaleTargetRef.apiVersion %q: %w", ref.APIVersion, err)
	}
	if seen != nil {
		seen(objRef{gvk.Kind, so.Namespace, ref.Name}) // even when missing: its creation re-resolves
	}
	mapping, err := r.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("scale target %s: %w", gvk.Kind, err)
	}
	obj, err := r.dyn.Resource(mapping.Resource).Namespace(so.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read scale target %s %q for its environment: %w", gvk.Kind, ref.Name, err)
	}
	raw, found, err := unstructured.NestedMap(obj.Object, "spec", "template")
	if err != nil || !found {
		return nil, fmt.Errorf("scale target %s %q has no spec.template to read the environment from", gvk.Kind, ref.Name)
	}
	var tmpl corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &tmpl); err != nil {
		return nil, fmt.Errorf("scale target %s %q: decode spec.template: %w", gvk.Kind, ref.Name, err)
	}
	return &tmpl.Spec, nil
}
