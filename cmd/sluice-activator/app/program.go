package app

import (
	"context"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/program"
)

// Program returns the sluice-activator program over fresh default
// Options, for program.Main.
func Program() program.Spec {
	o := NewOptions()
	return program.Spec{
		Name:     "sluice-activator",
		Flags:    o.Flags(),
		Validate: o.Validate,
		Log:      &o.Log,
		// The activator's caches (every ScaledObject and HPA) are most of
		// its heap; at 10,000 objects about 58 MB stayed live while Go's
		// default 100% growth let the heap reach twice that before each
		// collection. 50% keeps resident memory closer to the live heap for
		// a little CPU.
		GCPercent: 50,
		Run:       func(ctx context.Context, log *zap.Logger) error { return Run(ctx, o, log) },
	}
}
