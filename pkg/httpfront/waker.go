package httpfront

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/sluice-dev/sluice/pkg/apis/keda/v1alpha1"
	"github.com/sluice-dev/sluice/pkg/client/clientset/versioned"
)

// FieldManager is the front's field manager on the API server.
const FieldManager = "sluice-http"

// AnnotationWake is the stamp a request leaves on its app's ScaledObject:
// the RFC 3339 time of a request. The activator treats the app as active
// for cooldownPeriod after it (pkg/activator/wake.go).
const AnnotationWake = v1alpha1.AnnotationHTTPWake

// KubeWaker writes AnnotationWake with a merge patch: one small write,
// which the activator's informer sees at once.
type KubeWaker struct {
	Client versioned.Interface
}

var _ Waker = (*KubeWaker)(nil)

// Wake implements Waker.
func (k *KubeWaker) Wake(ctx context.Context, ns, name string, t time.Time) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"annotations": map[string]string{AnnotationWake: t.UTC().Format(time.RFC3339Nano)},
	}})
	if err != nil {
		return fmt.Errorf("encode wake patch: %w", err)
	}
	_, err = k.Client.KedaV1alpha1().ScaledObjects(ns).Patch(ctx, name, types.MergePatchType, patch,
		metav1.PatchOptions{FieldManager: FieldManager})
	if err != nil {
		return fmt.Errorf("patch scaledobject: %w", err)
	}
	return nil
}
