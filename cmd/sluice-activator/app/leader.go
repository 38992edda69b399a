package app

import (
	"context"

	"go.uber.org/zap"
	"k8s.io/client-go/kubernetes"

	"github.com/sluice-dev/sluice/pkg/activator"
	"github.com/sluice-dev/sluice/pkg/leader"
)

// runWorkers runs the controller's workers while this replica holds the
// Lease (always, without leader election), one Run per term, campaigning
// again after a lost term, until ctx is done. Informers run on every
// candidate, so a new leader starts with warm caches and /readyz reflects
// the caches, not leadership.
func runWorkers(ctx context.Context, o *Options, kube kubernetes.Interface, ctrl *activator.Controller, log *zap.Logger) error {
	var runErr error
	err := leader.Run(ctx, o.LeaderElection, kube.CoordinationV1(), leader.Identity(), log, func(ctx context.Context) {
		if err := ctrl.Run(ctx, o.Workers); err != nil && runErr == nil {
			runErr = err
		}
	})
	if err != nil {
		return err
	}
	return runErr
}
