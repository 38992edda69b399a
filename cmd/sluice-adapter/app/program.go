package app

import (
	"context"

	"github.com/spf13/pflag"
	"go.uber.org/zap"

	"github.com/sluice-dev/sluice/pkg/program"
)

// Program returns the sluice-adapter program over fresh default Options,
// for program.Main.
func Program() program.Spec {
	o := NewOptions()
	named := o.Flags()
	var sets []*pflag.FlagSet
	for _, name := range named.Order {
		sets = append(sets, named.FlagSets[name])
	}
	return program.Spec{
		Name:     "sluice-adapter",
		Flags:    sets,
		Validate: o.Validate,
		Log:      &o.Log,
		// The adapter holds one large, long-lived cache (every
		// ScaledObject and every source's state); collecting at 50% heap
		// growth keeps resident memory close to the live heap for a
		// little CPU.
		GCPercent: 50,
		Run: func(ctx context.Context, log *zap.Logger) error {
			return Run(ctx, o, log.Named("adapter"))
		},
	}
}
