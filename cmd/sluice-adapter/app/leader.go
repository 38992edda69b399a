package app

import (
	"context"

	"go.uber.org/zap"
	"k8s.io/client-go/kubernetes"

	"github.com/sluice-dev/sluice/pkg/leader"
)

// runElected runs lead while this replica holds the leader-election Lease
// (always, without --leader-elect), campaigning again after losing it,
// until ctx is done. The Lease lives in --namespace unless
// --leader-elect-lease-namespace says otherwise.
func runElected(ctx context.Context, o *Options, kube kubernetes.Interface, log *zap.Logger, lead func(context.Context)) error {
	le := o.LeaderElection
	if le.LeaseNamespace == "" {
		le.LeaseNamespace = o.Namespace
	}
	return leader.Run(ctx, le, kube.CoordinationV1(), leader.Identity(), log, lead)
}
