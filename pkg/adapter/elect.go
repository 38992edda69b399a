package adapter

import (
	"context"
	"time"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// runElected runs lead while this replica holds the leader-election Lease
// (always, without --leader-elect), campaigning again after losing it,
// until ctx is done.
func runElected(ctx context.Context, o *Options, kube kubernetes.Interface, log *zap.Logger, lead func(context.Context)) error {
	if !o.LeaderElect {
		lead(ctx)
		return nil
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: o.LeaderElectionID, Namespace: o.Namespace},
		Client:     kube.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: hostname()},
	}
	log = log.Named("election")
	for ctx.Err() == nil {
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   15 * time.Second,
			RenewDeadline:   10 * time.Second,
			RetryPeriod:     2 * time.Second,
			ReleaseOnCancel: true,
			Name:            o.LeaderElectionID,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(ctx context.Context) {
					log.Info("leading: writing status")
					lead(ctx)
				},
				OnStoppedLeading: func() { log.Info("stopped leading") },
			},
		})
		if err != nil {
			return err
		}
		le.Run(ctx)
	}
	return nil
}
