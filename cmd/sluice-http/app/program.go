package app

import (
	"context"

	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/program"
)

// Program returns the sluice-http program over fresh default Options, for
// program.Main.
func Program() program.Spec {
	o := NewOptions()
	return program.Spec{
		Name:     "sluice-http",
		Flags:    o.Flags(),
		Validate: o.Validate,
		Log:      &o.Log,
		Run:      func(ctx context.Context, log *zap.Logger) error { return Run(ctx, o, log) },
	}
}
