package testenv

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

// TakeLease makes holder the holder of the Lease namespace/name for
// duration from now, as a candidate that won the election would, so that
// the one leading sees its renewals fail. The Lease must exist; a write
// that loses to a renewal is retried.
func (cp *ControlPlane) TakeLease(ctx context.Context, namespace, name, holder string, duration time.Duration) error {
	leases := cp.Client.CoordinationV1().Leases(namespace)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		l, err := leases.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.NewMicroTime(time.Now())
		l.Spec.HolderIdentity = ptr.To(holder)
		l.Spec.LeaseDurationSeconds = ptr.To(int32(duration / time.Second))
		l.Spec.AcquireTime, l.Spec.RenewTime = &now, &now
		_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("take Lease %s/%s: %w", namespace, name, err)
	}
	return nil
}
