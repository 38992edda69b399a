//go:build integration

package adapter

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/internal/cachetest"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
	"github.com/sluice-dev/sluice/pkg/testenv"
)

// populate creates n Deployments (as a user applies them, with kubectl's
// last-applied copy) and n HPAs as sluice-activator writes them, with the
// status kube-controller-manager writes, 16 at a time.
func populate(tb testing.TB, kube kubernetes.Interface, ns string, n int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		tb.Fatalf("create namespace: %v", err)
	}
	cachetest.Populate(tb, n, func(ctx context.Context, i int) error { return populateOne(ctx, kube, ns, i) })
}

func populateOne(ctx context.Context, kube kubernetes.Interface, ns string, i int) error {
	name := fmt.Sprintf("app-%d", i)
	labels := map[string]string{"app": name}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: map[string]string{
			corev1.LastAppliedConfigAnnotation: fmt.Sprintf(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":%q},"spec":{"replicas":0,"selector":{"matchLabels":{"app":%q}},"template":{"metadata":{"labels":{"app":%q}},"spec":{"containers":[{"image":"example.com/app:1","name":"app"}]}}}}`, name, name, name),
		}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0), Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.com/app:1"}}}},
		},
	}
	if _, err := kube.AppsV1().Deployments(ns).Create(ctx, d, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
		return err
	}
	hpas := kube.AutoscalingV2().HorizontalPodAutoscalers(ns)
	so := &v1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i))}}
	hpa := &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "keda-hpa-" + name,
			Labels:          map[string]string{"app.kubernetes.io/managed-by": "sluice", "scaledobject.keda.sh/name": name},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(so, v1alpha1.SchemeGroupVersion.WithKind("ScaledObject"))}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: name},
			MinReplicas:    ptr.To[int32](1), MaxReplicas: 100,
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "s0-metric-api-value", Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"scaledobject.keda.sh/name": name}}},
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse("5"))},
			}}},
		},
	}
	got, err := hpas.Create(ctx, hpa, metav1.CreateOptions{FieldManager: "sluice-activator"})
	if err != nil {
		return err
	}
	got.Status = autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: int32(i%5 + 1), DesiredReplicas: 1,
		Conditions: []autoscalingv2.HorizontalPodAutoscalerCondition{
			{Type: autoscalingv2.AbleToScale, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now(), Reason: "ReadyForNewScale", Message: "recommended size matches current size"},
			{Type: autoscalingv2.ScalingActive, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now(), Reason: "ValidMetricFound", Message: "the HPA was able to successfully calculate a replica count from external metric s0-metric-api-value"},
		}}
	_, err = hpas.UpdateStatus(ctx, got, metav1.UpdateOptions{FieldManager: "kube-controller-manager"})
	return err
}

// caches are the two informers whose objects trim.go trims.
type caches struct {
	meta metadata.Interface
	kube kubernetes.Interface
	ns   string
}

func (c caches) deployments() cache.SharedIndexInformer {
	return metadatainformer.NewFilteredSharedInformerFactory(c.meta, 0, c.ns, nil).
		ForResource(targetGVRs["Deployment"]).Informer()
}

func (c caches) hpas() cache.SharedIndexInformer {
	return informers.NewSharedInformerFactoryWithOptions(c.kube, 0, informers.WithNamespace(c.ns)).
		Autoscaling().V2().HorizontalPodAutoscalers().Informer()
}

func newCaches(tb testing.TB, ns string, n int) caches {
	cp := testenv.New(tb, testenv.Options{})
	populate(tb, cp.Client, ns, n)
	meta, err := metadata.NewForConfig(cp.Config)
	if err != nil {
		tb.Fatal(err)
	}
	return caches{meta: meta, kube: cp.Client, ns: ns}
}

// TestTrimKeepsWhatIsRead compares, on a real kube-apiserver, the trimmed
// caches with full ones: every Deployment's resourceVersion and
// generation, and every HPA's replica count and controller, read the same.
func TestTrimKeepsWhatIsRead(t *testing.T) {
	const n = 20
	c := newCaches(t, "trim", n)
	for _, tc := range []struct {
		name    string
		inf     func() cache.SharedIndexInformer
		trim    cache.TransformFunc
		compare func(full, trimmed any) string
	}{
		{"deployment metadata", c.deployments, trimMetadata, func(full, trimmed any) string {
			f, tr := full.(*metav1.PartialObjectMetadata), trimmed.(*metav1.PartialObjectMetadata)
			if f.ResourceVersion != tr.ResourceVersion || f.Generation != tr.Generation || f.UID != tr.UID || tr.Annotations != nil {
				return fmt.Sprintf("trimmed %+v, full %+v", tr.ObjectMeta, f.ObjectMeta)
			}
			return ""
		}},
		{"hpas", c.hpas, trimReplicasHPA, func(full, trimmed any) string {
			f, tr := full.(*autoscalingv2.HorizontalPodAutoscaler), trimmed.(*autoscalingv2.HorizontalPodAutoscaler)
			so := &metav1.ObjectMeta{UID: f.OwnerReferences[0].UID}
			if f.Status.CurrentReplicas != tr.Status.CurrentReplicas || !metav1.IsControlledBy(tr, so) || tr.Spec.Metrics != nil {
				return fmt.Sprintf("trimmed %+v, full %+v", tr, f)
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, stopFull := cachetest.SyncedStore(t, tc.inf(), nil)
			defer stopFull()
			trimmed, stopTrimmed := cachetest.SyncedStore(t, tc.inf(), tc.trim)
			defer stopTrimmed()
			if len(full.List()) != n || len(trimmed.List()) != n {
				t.Fatalf("caches hold %d and %d objects, want %d", len(full.List()), len(trimmed.List()), n)
			}
			for _, f := range full.List() {
				tr, ok, err := trimmed.Get(f)
				if err != nil || !ok {
					t.Fatalf("trimmed cache lacks %v: %v", f, err)
				}
				if diff := tc.compare(f, tr); diff != "" {
					t.Error(diff)
				}
			}
		})
	}
}

// BenchmarkAdapterCaches reports the live heap per object of the
// adapter's Deployment metadata cache and HPA cache, 1,000 objects each on
// a real kube-apiserver: before (no transform for metadata; managed
// fields stripped from HPAs) and after trim.go.
func BenchmarkAdapterCaches(b *testing.B) {
	const n = 1000
	c := newCaches(b, "bench", n)
	cachetest.BenchmarkInformers(b,
		cachetest.Informer{Name: "deployment-metadata/full", New: c.deployments},
		cachetest.Informer{Name: "deployment-metadata/trimmed", New: c.deployments, Transform: trimMetadata},
		cachetest.Informer{Name: "hpa/managed-fields-stripped", New: c.hpas, Transform: kubeutil.StripManagedFields},
		cachetest.Informer{Name: "hpa/trimmed", New: c.hpas, Transform: trimReplicasHPA},
	)
}
