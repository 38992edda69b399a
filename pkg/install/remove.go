package install

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
)

// ScaledObjectsExistError means remove would delete the CRDs, and with
// them these ScaledObjects.
type ScaledObjectsExistError struct {
	// Objects are "<namespace>/<name>", sorted.
	Objects []string
}

// Error lists the objects and says what to do.
func (e *ScaledObjectsExistError) Error() string {
	return fmt.Sprintf("ScaledObjects still exist and would be deleted with the CRDs (%d): %s; delete them first, or rerun with --force",
		len(e.Objects), strings.Join(e.Objects, ", "))
}

// RemoveOptions say what Remove deletes.
type RemoveOptions struct {
	// Namespace install ran with; DefaultNamespace when empty.
	Namespace string
	// Force deletes the CRDs even while ScaledObjects exist.
	Force bool
	// DryRun lists what would be deleted and deletes nothing.
	DryRun bool
	// FinalizeTimeout bounds the wait, with Force, for the activator to
	// finalize the ScaledObjects it is asked to delete; 2m when zero.
	FinalizeTimeout time.Duration
}

// restoreFinalizer is the activator's finalizer (activator.FinalizerRestoreReplicas).
const restoreFinalizer = "sluice.dev/restore-replicas"

// Remove deletes every object install created for o.Namespace (found by
// the install labels), the APIService first and the CRDs last, and writes
// one line per object to Out. Without o.Force it deletes nothing while a
// ScaledObject exists and returns a *ScaledObjectsExistError; with it, the
// ScaledObjects are deleted first, while the activator can still finalize
// them. It returns
// the number of objects deleted (or, with DryRun, that would be).
func (in *Installer) Remove(ctx context.Context, o RemoveOptions) (int, error) {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	existing, err := in.scaledObjects(ctx)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 && !o.Force {
		return 0, &ScaledObjectsExistError{Objects: existing}
	}
	objs, err := in.installed(ctx, o.Namespace)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 && !o.DryRun {
		// Delete the ScaledObjects while the activator still runs: it
		// holds a finalizer on some of them, and with the activator gone
		// they, and so the CRDs, would hang in Terminating.
		if err := in.drainScaledObjects(ctx, existing, o.FinalizeTimeout); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, u := range objs {
		k, _, err := kindOf(u)
		if err != nil {
			return n, err
		}
		if o.DryRun {
			fmt.Fprintf(in.Out, "%s/%s would be deleted\n", k.gvr.Resource, qualified(u))
			n++
			continue
		}
		err = in.Client.Resource(k.gvr).Namespace(u.GetNamespace()).Delete(ctx, u.GetName(), metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("delete %s %s: %w", u.GetKind(), qualified(u), err)
		}
		fmt.Fprintf(in.Out, "%s/%s deleted\n", k.gvr.Resource, qualified(u))
		n++
	}
	return n, nil
}

// drainScaledObjects deletes the ScaledObjects named "<namespace>/<name>"
// and waits up to timeout for the activator to finalize them; what remains
// after that loses the activator's finalizer, so the CRDs can go.
func (in *Installer) drainScaledObjects(ctx context.Context, names []string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ri := in.Client.Resource(scaledObjectsGVR())
	for _, qn := range names {
		ns, name, _ := strings.Cut(qn, "/")
		err := ri.Namespace(ns).Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete ScaledObject %s: %w", qn, err)
		}
		fmt.Fprintf(in.Out, "scaledobjects/%s deleted\n", qn)
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := wait.PollUntilContextCancel(wctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		left, err := in.scaledObjects(ctx)
		return err == nil && len(left) == 0, nil
	})
	if err == nil || ctx.Err() != nil {
		return ctx.Err()
	}
	left, err := in.scaledObjects(ctx)
	if err != nil {
		return err
	}
	for _, qn := range left {
		ns, name, _ := strings.Cut(qn, "/")
		so, err := ri.Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			continue
		}
		fins := slices.DeleteFunc(so.GetFinalizers(), func(f string) bool { return f == restoreFinalizer })
		if len(fins) == len(so.GetFinalizers()) {
			continue
		}
		so.SetFinalizers(fins)
		if _, err := ri.Namespace(ns).Update(ctx, so, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("remove the finalizer of ScaledObject %s: %w", qn, err)
		}
		fmt.Fprintf(in.Out, "scaledobjects/%s: the activator did not finalize it within %s; finalizer removed, replicas not restored\n", qn, timeout)
	}
	return nil
}

// scaledObjects returns "<namespace>/<name>" of every ScaledObject, sorted;
// none when the CRD is not installed.
func (in *Installer) scaledObjects(ctx context.Context) ([]string, error) {
	list, err := in.Client.Resource(scaledObjectsGVR()).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list scaledobjects: %w", err)
	}
	out := make([]string, 0, len(list.Items))
	for _, so := range list.Items {
		out = append(out, so.GetNamespace()+"/"+so.GetName())
	}
	slices.Sort(out)
	return out, nil
}

// installed returns the objects install created for ns, in delete order:
// the reverse of apply order, so the APIService goes first and the CRDs
// last. Namespaced objects are looked for in ns and kube-system; the
// APIService only when it points at ns.
func (in *Installer) installed(ctx context.Context, ns string) ([]*unstructured.Unstructured, error) {
	ks := kinds()
	slices.Reverse(ks)
	sel := metav1.ListOptions{LabelSelector: Selector().String()}
	var out []*unstructured.Unstructured
	for _, k := range ks {
		namespaces := []string{""}
		if k.namespaced {
			namespaces = []string{ns, metav1.NamespaceSystem}
		}
		for _, n := range namespaces {
			list, err := in.Client.Resource(k.gvr).Namespace(n).List(ctx, sel)
			if err != nil {
				return nil, fmt.Errorf("list %s: %w", k.gvr.Resource, err)
			}
			for i := range list.Items {
				u := &list.Items[i]
				if belongsTo(u, ns) {
					out = append(out, u)
				}
			}
		}
	}
	return out, nil
}

// belongsTo reports whether the cluster-scoped objects that name a
// namespace name ns: the Namespace itself and the APIService's service.
func belongsTo(u *unstructured.Unstructured, ns string) bool {
	switch u.GetKind() {
	case "Namespace":
		return u.GetName() == ns
	case "APIService":
		svcNS, _, _ := unstructured.NestedString(u.Object, "spec", "service", "namespace")
		return svcNS == ns
	}
	return true
}
