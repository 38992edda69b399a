package adapter

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	autoscalingv2listers "k8s.io/client-go/listers/autoscaling/v2"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
	"github.com/sluice-dev/sluice/pkg/poll"
	"github.com/sluice-dev/sluice/pkg/provider"
)

// replicasRead selects the HPAs sluice-activator owns (it labels each
// app.kubernetes.io/managed-by=sluice) for ScaledObjects whose fallback
// reads the current replica count (it labels those
// sluice.dev/fallback-reads-replicas=true): the only ones CurrentReplicas
// is asked about.
const replicasRead = "app.kubernetes.io/managed-by=sluice," + v1alpha1.LabelFallbackReadsReplicas + "=true"

// hpaReplicas is the provider's ReplicaReader: a scale target's current
// replica count is the status.currentReplicas of the HPA the activator owns
// for the ScaledObject, the count the HPA controller itself scales from.
// Only the HPAs of ScaledObjects whose fallback reads the count are
// watched (by label), trimmed to what is read (trimReplicasHPA), so the
// cache holds one small object per such ScaledObject, none for the rest,
// and no request ever reads /scale.
type hpaReplicas struct {
	informerSet
	w    *watches
	hpas map[string]autoscalingv2listers.HorizontalPodAutoscalerLister // "" when every namespace is watched
}

var _ provider.ReplicaReader = (*hpaReplicas)(nil)

// newHPAReplicas sets up the HPA informers of namespaces (all when empty).
func newHPAReplicas(kube kubernetes.Interface, w *watches, namespaces []string, resync time.Duration) *hpaReplicas {
	h := &hpaReplicas{w: w, hpas: map[string]autoscalingv2listers.HorizontalPodAutoscalerLister{}}
	if len(namespaces) == 0 {
		namespaces = []string{""}
	}
	for _, ns := range namespaces {
		f := informers.NewSharedInformerFactoryWithOptions(kube, resync,
			informers.WithNamespace(ns),
			informers.WithTransform(trimReplicasHPA),
			informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = replicasRead }))
		inf := f.Autoscaling().V2().HorizontalPodAutoscalers()
		h.hpas[ns] = inf.Lister()
		h.synced = append(h.synced, inf.Informer().HasSynced)
		h.factories = append(h.factories, f)
	}
	return h
}

// CurrentReplicas implements provider.ReplicaReader from the caches: false
// when the ScaledObject or its HPA is not there, or the HPA is not the
// object's own.
func (h *hpaReplicas) CurrentReplicas(key poll.Key) (int32, bool) {
	so, err := h.w.scaledObject(key.Namespace, key.Name)
	if err != nil {
		return 0, false
	}
	l := kubeutil.ForNamespace(h.hpas, key.Namespace)
	if l == nil {
		return 0, false
	}
	hpa, err := l.HorizontalPodAutoscalers(key.Namespace).Get(so.HPAName())
	if err != nil || !metav1.IsControlledBy(hpa, so) {
		return 0, false
	}
	return hpa.Status.CurrentReplicas, true
}
