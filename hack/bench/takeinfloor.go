package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	kedaac "github.com/sluice-dev/sluice/pkg/client/applyconfiguration/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
	"github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
	"github.com/sluice-dev/sluice/pkg/kubeclient"
)

// The take-in floor (reconcile -floor) is the least API work that taking a
// ScaledObject in can cost under DESIGN.md's contracts, done by the
// benchmark itself: one status apply by the adapter's field manager, one
// `/scale` read, one HPA apply and one status apply by the activator's field
// manager, with the bodies Sluice writes, the same watches its two programs
// open (ScaledObjects twice, HPAs once), the same number of workers and no
// client-side rate limit. It polls nothing, validates nothing and decides
// nothing, so the time and kube-apiserver's CPU it takes are what Sluice's
// programs cannot go below on the same machine.

// floorWorkers is each floor writer's concurrency: the programs' default
// --workers.
const floorWorkers = 8

// The field managers the floor writes with: Sluice's, so that the managed
// fields, and with them the objects, are as large as Sluice's.
const (
	floorAdapterManager   = "sluice-adapter"
	floorActivatorManager = "sluice-activator"
	floorMetricName       = "s0-metric-api-value"
)

// takeInFloor is the floor's two writers, running until stop.
type takeInFloor struct {
	// oneWriter has one writer take every object in with a single status
	// apply holding both programs' fields, as if one program wrote all of
	// the status: what DESIGN.md's one writer per field costs.
	oneWriter bool
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	queues    []workqueue.TypedRateLimitingInterface[string]
}

// startTakeInFloor starts the floor's writers against e's control plane and
// waits until their caches are synced.
func (e *env) startTakeInFloor(ctx context.Context, oneWriter bool) (*takeInFloor, error) {
	ctx, cancel := context.WithCancel(ctx)
	f := &takeInFloor{oneWriter: oneWriter, cancel: cancel}
	cfg := rest.CopyConfig(e.cp.Config)
	cfg.QPS = -1 // Sluice's default: no client-side limit
	if !oneWriter {
		if err := f.startAdapterWriter(ctx, cfg); err != nil {
			f.stop()
			return nil, err
		}
	}
	if err := f.startActivatorWriter(ctx, cfg); err != nil {
		f.stop()
		return nil, err
	}
	return f, nil
}

// stop ends the writers and waits for them.
func (f *takeInFloor) stop() {
	f.cancel()
	for _, q := range f.queues {
		q.ShutDown()
	}
	f.wg.Wait()
}

// startAdapterWriter applies the adapter's status to every new
// ScaledObject, once.
func (f *takeInFloor) startAdapterWriter(ctx context.Context, cfg *rest.Config) error {
	keda, err := versioned.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("floor: build keda.sh client: %w", err)
	}
	_, q, err := f.scaledObjects(ctx, keda, func(so *v1alpha1.ScaledObject) bool {
		return so.Status.Condition(v1alpha1.ConditionActive) == nil
	})
	if err != nil {
		return err
	}
	f.work(ctx, q, func(ctx context.Context, key string) error {
		ns, name, _ := cache.SplitMetaNamespaceKey(key)
		st := withAdapterStatus(kedaac.ScaledObjectStatus(), metav1.Now())
		_, err := keda.KedaV1alpha1().ScaledObjects(ns).ApplyStatus(ctx, kedaac.ScaledObject(name, ns).WithStatus(st),
			metav1.ApplyOptions{FieldManager: floorAdapterManager, Force: true})
		return err
	})
	return nil
}

// startActivatorWriter reads /scale, applies the HPA and applies the
// activator's status, once for every ScaledObject the adapter writer has
// reported on, as the activator waits for the adapter's first report; with
// oneWriter, for every new ScaledObject, with the adapter's fields too.
func (f *takeInFloor) startActivatorWriter(ctx context.Context, cfg *rest.Config) error {
	keda, err := versioned.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("floor: build keda.sh client: %w", err)
	}
	kube, err := kubernetes.NewForConfig(kubeclient.BuiltinTypes(cfg))
	if err != nil {
		return fmt.Errorf("floor: build client: %w", err)
	}
	inf, q, err := f.scaledObjects(ctx, keda, func(so *v1alpha1.ScaledObject) bool {
		return (f.oneWriter || so.Status.Condition(v1alpha1.ConditionActive) != nil) && so.Status.Condition(v1alpha1.ConditionReady) == nil
	})
	if err != nil {
		return err
	}
	// The activator watches its HPAs; the floor opens the same watch.
	hpas := cache.NewSharedIndexInformer(cache.NewListWatchFromClient(kube.AutoscalingV2().RESTClient(),
		"horizontalpodautoscalers", benchNamespace, fields.Everything()), &autoscalingv2.HorizontalPodAutoscaler{}, 0, cache.Indexers{})
	if err := f.run(ctx, hpas); err != nil {
		return err
	}
	f.work(ctx, q, func(ctx context.Context, key string) error {
		obj, ok, err := inf.GetStore().GetByKey(key)
		if err != nil || !ok {
			return err
		}
		so := obj.(*v1alpha1.ScaledObject)
		scale, err := kube.AppsV1().Deployments(so.Namespace).GetScale(ctx, so.Spec.ScaleTargetRef.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		hpaName := "keda-hpa-" + so.Name
		hpa := autoscalingv2ac.HorizontalPodAutoscaler(hpaName, so.Namespace).
			WithLabels(map[string]string{"app.kubernetes.io/managed-by": "sluice"}).
			WithOwnerReferences(metav1ac.OwnerReference().WithAPIVersion(v1alpha1.SchemeGroupVersion.String()).
				WithKind("ScaledObject").WithName(so.Name).WithUID(so.UID).WithController(true).WithBlockOwnerDeletion(true)).
			WithSpec(autoscalingv2ac.HorizontalPodAutoscalerSpec().
				WithScaleTargetRef(autoscalingv2ac.CrossVersionObjectReference().WithAPIVersion("apps/v1").WithKind("Deployment").WithName(so.Spec.ScaleTargetRef.Name)).
				WithMinReplicas(1).WithMaxReplicas(100).
				WithMetrics(autoscalingv2ac.MetricSpec().WithType(autoscalingv2.ExternalMetricSourceType).
					WithExternal(autoscalingv2ac.ExternalMetricSource().
						WithMetric(autoscalingv2ac.MetricIdentifier().WithName(floorMetricName).
							WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{"scaledobject.keda.sh/name": so.Name}))).
						WithTarget(autoscalingv2ac.MetricTarget().WithType(autoscalingv2.AverageValueMetricType).WithAverageValue(resource.MustParse("5"))))))
		if _, err := kube.AutoscalingV2().HorizontalPodAutoscalers(so.Namespace).Apply(ctx, hpa,
			metav1.ApplyOptions{FieldManager: floorActivatorManager, Force: true}); err != nil {
			return err
		}
		now := metav1.Now()
		st := kedaac.ScaledObjectStatus()
		if f.oneWriter {
			withAdapterStatus(st, now) // first: the conditions keep Sluice's order
		}
		withActivatorStatus(st, hpaName, scale.Spec.Replicas, now)
		_, err = keda.KedaV1alpha1().ScaledObjects(so.Namespace).ApplyStatus(ctx, kedaac.ScaledObject(so.Name, so.Namespace).WithStatus(st),
			metav1.ApplyOptions{FieldManager: floorActivatorManager, Force: true})
		return err
	})
	return nil
}

// withAdapterStatus adds the status fields sluice-adapter writes for an
// active object with one healthy trigger to st.
func withAdapterStatus(st *kedaac.ScaledObjectStatusApplyConfiguration, now metav1.Time) *kedaac.ScaledObjectStatusApplyConfiguration {
	return st.WithTriggersTypes("metrics-api").
		WithTriggersActivity(map[string]kedaac.TriggerActivityStatusApplyConfiguration{
			floorMetricName: *kedaac.TriggerActivityStatus().WithIsActive(true),
		}).
		WithConditions(
			floorCondition(v1alpha1.ConditionActive, metav1.ConditionTrue, "TriggerActive", "trigger "+floorMetricName+" is active", now),
			floorCondition(v1alpha1.ConditionFallback, metav1.ConditionFalse, "NoFallback", "no trigger serves a fallback value", now)).
		WithTriggers(kedaac.TriggerStatus().WithMetricName(floorMetricName).WithIndex(0).WithName("").
			WithType("metrics-api").WithTarget("5").WithActivationTarget("0").WithActive(true).WithHealthy(true).
			WithNumberOfFailures(0).WithLastError("").WithWarning("")).
		WithHealth(map[string]kedaac.HealthStatusApplyConfiguration{
			floorMetricName: *kedaac.HealthStatus().WithNumberOfFailures(0).WithStatus(v1alpha1.HealthStatusHappy),
		}).
		WithLastActiveTime(now)
}

// withActivatorStatus adds the status fields sluice-activator writes for a
// Ready object whose Deployment has replicas to st.
func withActivatorStatus(st *kedaac.ScaledObjectStatusApplyConfiguration, hpaName string, replicas int32, now metav1.Time) *kedaac.ScaledObjectStatusApplyConfiguration {
	return st.WithScaleTargetKind("apps/v1.Deployment").
		WithScaleTargetGVKR(kedaac.GroupVersionKindResource().WithGroup("apps").WithVersion("v1").WithKind("Deployment").WithResource("deployments")).
		WithOriginalReplicaCount(replicas).WithHPAName(hpaName).WithExternalMetricNames(floorMetricName).
		WithConditions(
			floorCondition(v1alpha1.ConditionReady, metav1.ConditionTrue, "ScaledObjectReady", "the target resolves, the HPA is in place and every trigger is healthy", now),
			floorCondition(v1alpha1.ConditionPaused, metav1.ConditionFalse, "ScalingNotPaused", "no pause annotation is set", now))
}

// floorCondition is a status condition as Sluice's programs write it.
func floorCondition(t v1alpha1.ConditionType, s metav1.ConditionStatus, reason, message string, at metav1.Time) *kedaac.ConditionApplyConfiguration {
	return kedaac.Condition().WithType(t).WithStatus(s).WithReason(reason).WithMessage(message).WithLastTransitionTime(at)
}

// scaledObjects starts a ScaledObject informer of the bench namespace of
// its own, as each of Sluice's programs has one, and a queue of the objects
// pending says are waiting for the writer.
func (f *takeInFloor) scaledObjects(ctx context.Context, keda versioned.Interface, pending func(*v1alpha1.ScaledObject) bool) (
	cache.SharedIndexInformer, workqueue.TypedRateLimitingInterface[string], error,
) {
	factory := externalversions.NewSharedInformerFactoryWithOptions(keda, 0, externalversions.WithNamespace(benchNamespace))
	inf := factory.Keda().V1alpha1().ScaledObjects().Informer()
	q := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	f.queues = append(f.queues, q)
	queue := func(obj any) {
		if so, ok := obj.(*v1alpha1.ScaledObject); ok && pending(so) {
			q.Add(so.Namespace + "/" + so.Name)
		}
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: queue, UpdateFunc: func(_, obj any) { queue(obj) },
	}); err != nil {
		return nil, nil, fmt.Errorf("floor: watch ScaledObjects: %w", err)
	}
	if err := f.run(ctx, inf); err != nil {
		return nil, nil, err
	}
	return inf, q, nil
}

// run runs inf until the floor stops and waits for its first list.
func (f *takeInFloor) run(ctx context.Context, inf cache.SharedIndexInformer) error {
	f.wg.Go(func() { inf.RunWithContext(ctx) })
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return fmt.Errorf("floor: caches did not sync: %w", ctx.Err())
	}
	return nil
}

// work runs floorWorkers workers on q, each calling do for a key and
// putting it back with backoff on error.
func (f *takeInFloor) work(ctx context.Context, q workqueue.TypedRateLimitingInterface[string], do func(context.Context, string) error) {
	for range floorWorkers {
		f.wg.Go(func() {
			wait.UntilWithContext(ctx, func(ctx context.Context) {
				for {
					key, shutdown := q.Get()
					if shutdown {
						return
					}
					if err := do(ctx, key); err != nil && ctx.Err() == nil {
						q.AddRateLimited(key)
					} else {
						q.Forget(key)
					}
					q.Done(key)
				}
			}, time.Second)
		})
	}
}
