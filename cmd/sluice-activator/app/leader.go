package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/sluice-dev/sluice/pkg/activator"
)

// errLostLeadership is returned when another candidate took the Lease.
var errLostLeadership = errors.New("lost leadership")

// runWorkers runs the controller's workers, behind a Lease when leader
// election is on. Informers run on every candidate, so a new leader starts
// with warm caches and /readyz reflects the caches, not leadership.
func runWorkers(ctx context.Context, o *Options, kube kubernetes.Interface, ctrl *activator.Controller, log *zap.Logger) error {
	if !o.LeaderElect {
		return ctrl.Run(ctx, o.Workers)
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: o.LeaseName, Namespace: o.LeaseNamespace},
		Client:     kube.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: hostIdentity()},
	}
	leading := make(chan struct{})
	var once sync.Once
	elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   o.LeaseDuration,
		RenewDeadline:   o.RenewDeadline,
		RetryPeriod:     o.RetryPeriod,
		ReleaseOnCancel: true,
		Name:            o.LeaseName,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(context.Context) { once.Do(func() { close(leading) }) },
			OnStoppedLeading: func() {},
		},
	})
	if err != nil {
		return fmt.Errorf("create leader elector: %w", err)
	}
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	electCtx, stopElect := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	lost := make(chan struct{})
	wg.Go(func() {
		elector.Run(electCtx)
		close(lost)
		stopWork()
	})
	var runErr error
	select {
	case <-leading:
		log.Info("leader lease acquired", zap.String("lease", o.LeaseNamespace+"/"+o.LeaseName))
		runErr = ctrl.Run(workCtx, o.Workers)
	case <-workCtx.Done():
	}
	stopElect() // release the Lease only after the workers stopped
	wg.Wait()
	if ctx.Err() == nil {
		select {
		case <-lost:
			return errors.Join(runErr, errLostLeadership)
		default:
		}
	}
	return runErr
}
