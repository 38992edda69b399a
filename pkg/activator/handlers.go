package activator

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	autoscalingv2ac "k8s.io/client-go/applyconfigurations/autoscaling/v2"
	"k8s.io/client-go/tools/cache"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/kubeutil"
)

// scaledObjectHandler enqueues the object itself and, because duplicate
// detection depends on the others, every other ScaledObject in the
// namespace that names the same target.
func (c *Controller) scaledObjectHandler() cache.ResourceEventHandler {
	enqueue := func(obj any) {
		if so, ok := kubeutil.EventObject[*v1alpha1.ScaledObject](obj); ok {
			c.enqueue(so.Namespace, so.Name)
			c.enqueueSameTarget(so)
		}
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue,
		UpdateFunc: func(oldObj, newObj any) {
			o, okOld := oldObj.(*v1alpha1.ScaledObject)
			n, okNew := newObj.(*v1alpha1.ScaledObject)
			if okNew {
				c.statusWrites.caughtUp(n.Namespace+"/"+n.Name, n.ResourceVersion)
			}
			if okOld && okNew && firstReport(o, n) {
				c.lastReport.Store(c.clock.Now().UnixNano())
			}
			if okOld && okNew && ownStatusEcho(o, n) {
				return
			}
			enqueue(oldObj) // the old target's other claimants may be free now
			enqueue(newObj)
		},
		DeleteFunc: func(obj any) {
			if so, ok := kubeutil.EventObject[*v1alpha1.ScaledObject](obj); ok {
				c.statusWrites.forget(so.Namespace + "/" + so.Name)
				c.hpaWrites.forget(so.Namespace + "/" + so.HPAName())
			}
			enqueue(obj)
		},
	}
}

// hpaHandler enqueues the ScaledObject controlling an HPA, so that edits by
// others are put back; for HPAs it does not control, every ScaledObject in
// the namespace that targets the same workload, so that conflicts appear
// and clear.
func (c *Controller) hpaHandler() cache.ResourceEventHandler {
	enqueue := func(obj any) {
		hpa, ok := kubeutil.EventObject[*autoscalingv2.HorizontalPodAutoscaler](obj)
		if !ok {
			return
		}
		if ref := ownerScaledObject(hpa); ref != "" {
			c.enqueue(hpa.Namespace, ref)
			return
		}
		target := hpa.Spec.ScaleTargetRef
		gv, _ := schema.ParseGroupVersion(target.APIVersion)
		c.enqueueTargeting(hpa.Namespace, "", func(so *v1alpha1.ScaledObject) bool {
			if so.HPAName() == hpa.Name {
				return true
			}
			ref := so.Spec.ScaleTargetRef
			if ref == nil || ref.Name != target.Name {
				return false
			}
			gvk, err := ref.GroupVersionKind()
			return err == nil && gvk.Group == gv.Group && gvk.Kind == target.Kind
		})
	}
	// The echo of the activator's own apply is not queued: the reconcile
	// that wrote it has already done what the HPA's arrival would lead to.
	// The echo may arrive before the apply's answer; then it is known by
	// its content.
	ownEcho := func(obj any) bool {
		hpa, ok := obj.(*autoscalingv2.HorizontalPodAutoscaler)
		if !ok {
			return false
		}
		key := hpa.Namespace + "/" + hpa.Name
		return c.hpaWrites.caughtUp(key, hpa.ResourceVersion) ||
			c.hpaWrites.inFlightEcho(key, func(desired *autoscalingv2ac.HorizontalPodAutoscalerApplyConfiguration) bool {
				owned, err := autoscalingv2ac.ExtractHorizontalPodAutoscaler(hpa, FieldManager)
				return err == nil && equality.Semantic.DeepEqual(owned, desired)
			})
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if !ownEcho(obj) {
				enqueue(obj)
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, okOld := oldObj.(*autoscalingv2.HorizontalPodAutoscaler)
			n, okNew := newObj.(*autoscalingv2.HorizontalPodAutoscaler)
			if ownEcho(newObj) || (okOld && okNew && !hpaChanged(o, n)) {
				return
			}
			enqueue(newObj)
		},
		DeleteFunc: func(obj any) {
			if hpa, ok := kubeutil.EventObject[*autoscalingv2.HorizontalPodAutoscaler](obj); ok {
				c.hpaWrites.forget(hpa.Namespace + "/" + hpa.Name)
			}
			enqueue(obj)
		},
	}
}

// hpaChanged reports whether an HPA update matters to the activator: its
// spec, labels or owners changed (someone edited it), or its replica
// counts moved (the target may have reached the floor). The HPA controller
// rewrites status conditions every sync period; those alone are ignored so
// that a thousand HPAs do not cause a thousand /scale reads every 15s.
func hpaChanged(o, n *autoscalingv2.HorizontalPodAutoscaler) bool {
	return o.Generation != n.Generation ||
		!equality.Semantic.DeepEqual(o.Spec, n.Spec) ||
		!equality.Semantic.DeepEqual(o.Labels, n.Labels) ||
		!equality.Semantic.DeepEqual(o.OwnerReferences, n.OwnerReferences) ||
		o.Status.CurrentReplicas != n.Status.CurrentReplicas ||
		o.Status.DesiredReplicas != n.Status.DesiredReplicas
}

// ownerScaledObject returns the name of the ScaledObject that controls hpa,
// or "".
func ownerScaledObject(hpa *autoscalingv2.HorizontalPodAutoscaler) string {
	for _, ref := range hpa.OwnerReferences {
		if ref.Controller != nil && *ref.Controller && ref.Kind == "ScaledObject" && ref.APIVersion == v1alpha1.SchemeGroupVersion.String() {
			return ref.Name
		}
	}
	return ""
}

// enqueue adds namespace/name to the queue.
func (c *Controller) enqueue(namespace, name string) {
	c.currentQueue().Add(namespace + "/" + name)
}

// enqueueTargeting adds every ScaledObject of the namespace, except skip,
// for which match is true.
func (c *Controller) enqueueTargeting(namespace, skip string, match func(*v1alpha1.ScaledObject) bool) {
	l, ok := c.lookup(namespace)
	if !ok {
		return
	}
	all, err := l.scaledObjects.ScaledObjects(namespace).List(labels.Everything())
	if err != nil {
		return
	}
	for _, so := range all {
		if so.Name != skip && match(so) {
			c.enqueue(so.Namespace, so.Name)
		}
	}
}

// enqueueSameTarget adds every other ScaledObject of so's namespace that
// names the same workload, found through the target index.
func (c *Controller) enqueueSameTarget(so *v1alpha1.ScaledObject) {
	l, ok := c.lookup(so.Namespace)
	if !ok {
		return
	}
	others, err := l.scaledObjectsTargeting(so.Namespace, so.Spec.ScaleTargetRef)
	if err != nil {
		return // a cache index never fails
	}
	for _, other := range others {
		if other.Name != so.Name {
			c.enqueue(other.Namespace, other.Name)
		}
	}
}
