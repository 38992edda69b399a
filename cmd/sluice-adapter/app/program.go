package app

import (
	"context"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/program"
)

// Program returns the sluice-adapter program over fresh default Options,
// for program.Main.
func Program() program.Spec {
	s := program.New("sluice-adapter", NewOptions(), func(ctx context.Context, o *Options, log *zap.Logger) error {
		return Run(ctx, o, log.Named("adapter"))
	})
	// The adapter holds one large, long-lived cache (every ScaledObject
	// and every source's state); collecting at 50% heap growth keeps
	// resident memory close to the live heap for a little CPU.
	s.GCPercent = 50
	return s
}
