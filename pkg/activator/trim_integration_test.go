//go:build integration

package activator

import (
	"context"
	"fmt"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// hpaConfig is an HPA as the activator applies one: an external metric,
// a behavior, an owner reference to its ScaledObject.
func hpaConfig(ns string, i int) *autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration {
	name := fmt.Sprintf("so-%d", i)
	metric := autoscalingv2ac.MetricSpec().WithType(autoscalingv2.ExternalMetricSourceType).
		WithExternal(autoscalingv2ac.ExternalMetricSource().
			WithMetric(autoscalingv2ac.MetricIdentifier().WithName("s0-metric-api-value").
				WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{"scaledobject.keda.sh/name": name}))).
			WithTarget(autoscalingv2ac.MetricTarget().WithType(autoscalingv2.AverageValueMetricType).
				WithAverageValue(resource.MustParse("5"))))
	return autoscalingv2ac.HorizontalPodAutoscaler("keda-hpa-"+name, ns).
		WithLabels(map[string]string{"app.kubernetes.io/managed-by": "sluice", "scaledobject.keda.sh/name": name}).
		WithOwnerReferences(metav1ac.OwnerReference().WithAPIVersion("keda.sh/v1alpha1").WithKind("ScaledObject").
			WithName(name).WithUID(types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i))).
			WithController(true).WithBlockOwnerDeletion(true)).
		WithSpec(autoscalingv2ac.HorizontalPodAutoscalerSpec().
			WithScaleTargetRef(autoscalingv2ac.CrossVersionObjectReference().WithAPIVersion("apps/v1").WithKind("Deployment").WithName(name)).
			WithMinReplicas(1).WithMaxReplicas(100).WithMetrics(metric).
			WithBehavior(autoscalingv2ac.HorizontalPodAutoscalerBehavior().
				WithScaleDown(autoscalingv2ac.HPAScalingRules().WithStabilizationWindowSeconds(300).
					WithPolicies(autoscalingv2ac.HPAScalingPolicy().WithType(autoscalingv2.PercentScalingPolicy).WithValue(100).WithPeriodSeconds(15)))))
}

// hpaStatus is a status as the HPA controller writes one after a sync.
func hpaStatus(name string) autoscalingv2.HorizontalPodAutoscalerStatus {
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	q := resource.MustParse("3")
	return autoscalingv2.HorizontalPodAutoscalerStatus{
		CurrentReplicas: 1, DesiredReplicas: 1, ObservedGeneration: ptr.To[int64](1),
		CurrentMetrics: []autoscalingv2.MetricStatus{{Type: autoscalingv2.ExternalMetricSourceType,
			External: &autoscalingv2.ExternalMetricStatus{
				Metric:  autoscalingv2.MetricIdentifier{Name: "s0-metric-api-value", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"scaledobject.keda.sh/name": name}}},
				Current: autoscalingv2.MetricValueStatus{AverageValue: &q},
			}}},
		Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
			{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, LastTransitionTime: now, Reason: "ReadyForNewScale", Message: "recommended size matches current size"},
			{Type: autoscalingv2.ScalingActive, Status: corev1.ConditionTrue, LastTransitionTime: now, Reason: "ValidMetricFound", Message: "the HPA was able to successfully calculate a replica count from external metric s0-metric-api-value(&LabelSelector{MatchLabels:map[string]string{scaledobject.keda.sh/name: " + name + ",},MatchExpressions:[]LabelSelectorRequirement{},})"},
			{Type: autoscalingv2.ScalingLimited, Status: corev1.ConditionTrue, LastTransitionTime: now, Reason: "TooFewReplicas", Message: "the desired replica count is less than the minimum replica count"},
		},
	}
}

// populateHPAs applies n HPAs with the activator's field manager and
// writes each one's status as kube-controller-manager does, 16 at a time.
func populateHPAs(tb testing.TB, kube kubernetes.Interface, ns string, n int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		tb.Fatalf("create namespace: %v", err)
	}
	hpas := kube.AutoscalingV2().HorizontalPodAutoscalers(ns)
	cachetest.Populate(tb, n, func(ctx context.Context, i int) error {
		got, err := hpas.Apply(ctx, hpaConfig(ns, i), metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
		if err != nil {
			return err
		}
		got.Status = hpaStatus(fmt.Sprintf("so-%d", i))
		_, err = hpas.UpdateStatus(ctx, got, metav1.UpdateOptions{FieldManager: "kube-controller-manager"})
		return err
	})
}

// hpaInformer returns a new HPA informer on ns.
func hpaInformer(kube kubernetes.Interface, ns string) cache.SharedIndexInformer {
	f := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithNamespace(ns))
	return f.Autoscaling().V2().HorizontalPodAutoscalers().Informer()
}

// TestTrimHPAKeepsWhatIsRead compares, for HPAs written by the activator
// and by the HPA controller on a real kube-apiserver, the trimmed cache
// with the full one: the activator's extracted apply configuration, the
// spec, labels, owners and replica counts are the same; and an edit by
// another field manager still shows in the trimmed cache as a difference
// from what the activator applied.
func TestTrimHPAKeepsWhatIsRead(t *testing.T) {
	cp := testenv.New(t, testenv.Options{})
	const ns, n = "trim", 20
	populateHPAs(t, cp.Client, ns, n)
	full, stopFull := cachetest.SyncedStore(t, hpaInformer(cp.Client, ns), nil)
	defer stopFull()
	trimmed, stopTrimmed := cachetest.SyncedStore(t, hpaInformer(cp.Client, ns), TrimHPA)
	defer stopTrimmed()
	if len(trimmed.List()) != n || len(full.List()) != n {
		t.Fatalf("caches hold %d and %d HPAs, want %d", len(full.List()), len(trimmed.List()), n)
	}
	for _, o := range full.List() {
		f := o.(*autoscalingv2.HorizontalPodAutoscaler)
		obj, ok, err := trimmed.Get(f)
		if err != nil || !ok {
			t.Fatalf("trimmed cache lacks %s: %v", f.Name, err)
		}
		tr := obj.(*autoscalingv2.HorizontalPodAutoscaler)
		if len(f.ManagedFields) < 2 || len(tr.ManagedFields) != 1 || len(tr.Status.Conditions) != 0 {
			t.Errorf("%s: %d managed fields entries (trimmed %d), trimmed conditions %d; want >= 2, 1, 0",
				f.Name, len(f.ManagedFields), len(tr.ManagedFields), len(tr.Status.Conditions))
		}
		wantOwn, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(f, FieldManager)
		if err != nil {
			t.Fatalf("extract full: %v", err)
		}
		gotOwn, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(tr, FieldManager)
		if err != nil {
			t.Fatalf("extract trimmed: %v", err)
		}
		if !equality.Semantic.DeepEqual(gotOwn, wantOwn) {
			t.Errorf("%s: extracted %+v from the trimmed cache, %+v from the full one", f.Name, gotOwn, wantOwn)
		}
		if !equality.Semantic.DeepEqual(tr.Spec, f.Spec) || !equality.Semantic.DeepEqual(tr.Labels, f.Labels) ||
			!equality.Semantic.DeepEqual(tr.OwnerReferences, f.OwnerReferences) ||
			tr.Status.CurrentReplicas != f.Status.CurrentReplicas || tr.Status.DesiredReplicas != f.Status.DesiredReplicas {
			t.Errorf("%s: trimmed %+v differs from full %+v in what the activator reads", f.Name, tr, f)
		}
		if !equality.Semantic.DeepEqual(gotOwn, hpaConfig(ns, indexOf(t, f.Name))) {
			t.Errorf("%s: extracted %+v, want what was applied", f.Name, gotOwn)
		}
	}

	// Someone else takes maxReplicas over: the activator's extracted
	// configuration no longer equals what it applies, so it re-applies.
	hpas := cp.Client.AutoscalingV2().HorizontalPodAutoscalers(ns)
	edit := autoscalingv2ac.HorizontalPodAutoscaler("keda-hpa-so-0", ns).
		WithSpec(autoscalingv2ac.HorizontalPodAutoscalerSpec().WithMaxReplicas(7))
	edited, err := hpas.Apply(context.Background(), edit, metav1.ApplyOptions{FieldManager: "someone-else", Force: true})
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	var tr *autoscalingv2.HorizontalPodAutoscaler
	err = wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		obj, _, _ := trimmed.GetByKey(ns + "/keda-hpa-so-0")
		tr, _ = obj.(*autoscalingv2.HorizontalPodAutoscaler)
		return tr != nil && tr.ResourceVersion == edited.ResourceVersion, nil
	})
	if err != nil {
		t.Fatalf("the edit never reached the trimmed cache: %v", err)
	}
	own, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(tr, FieldManager)
	if err != nil || equality.Semantic.DeepEqual(own, hpaConfig(ns, 0)) {
		t.Errorf("after another manager's edit the trimmed cache extracts %+v, %v; want a difference", own, err)
	}
}

// indexOf returns i of "keda-hpa-so-<i>".
func indexOf(t *testing.T, name string) int {
	var i int
	if _, err := fmt.Sscanf(name, "keda-hpa-so-%d", &i); err != nil {
		t.Fatalf("hpa name %q: %v", name, err)
	}
	return i
}

// BenchmarkHPACache reports the live heap an HPA cache of 1,000 HPAs
// (written by the activator and the HPA controller on a real
// kube-apiserver) holds per object, without and with TrimHPA.
func BenchmarkHPACache(b *testing.B) {
	cp := testenv.New(b, testenv.Options{})
	const ns, n = "bench", 1000
	populateHPAs(b, cp.Client, ns, n)
	newInformer := func() cache.SharedIndexInformer { return hpaInformer(cp.Client, ns) }
	cachetest.BenchmarkInformers(b,
		cachetest.Informer{Name: "full", New: newInformer},
		cachetest.Informer{Name: "trimmed", New: newInformer, Transform: TrimHPA})
}
