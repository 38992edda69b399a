package program

import (
	"context"
	"errors"

	"github.com/sluice-dev/sluice/pkg/kubeclient"
)

// RunAll starts the informer factories, then runs each of run in its own
// goroutine until ctx is done or the first of them returns. Then it
// cancels the others' context, waits for every one of them and shuts the
// factories down. It returns their errors joined, in the order they
// returned.
func RunAll(ctx context.Context, factories []kubeclient.Factory, run ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	shutdown := kubeclient.StartFactories(ctx.Done(), factories)
	done := make(chan error, len(run))
	for _, r := range run {
		go func() { done <- r(ctx) }()
	}
	errs := make([]error, 0, len(run))
	for range run {
		errs = append(errs, <-done)
		cancel()
	}
	cancel()
	shutdown()
	return errors.Join(errs...)
}
