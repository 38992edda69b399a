package program

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pkg/kubeclient"
)

// factory records what RunAll does with an informer factory.
type factory struct {
	stop <-chan struct{}
	// shutdown: Shutdown was called; afterStop: stop was closed by then,
	// as client-go's factories need to return from Shutdown.
	shutdown, afterStop bool
}

func (f *factory) Start(stop <-chan struct{}) { f.stop = stop }

func (f *factory) Shutdown() {
	f.shutdown = true
	select {
	case <-f.stop:
		f.afterStop = true
	default:
	}
}

func TestRunAll(t *testing.T) {
	boom, bang := errors.New("boom"), errors.New("bang")
	// untilDone returns err once its context is done.
	untilDone := func(err error) func(context.Context) error {
		return func(ctx context.Context) error { <-ctx.Done(); return err }
	}
	returns := func(err error) func(context.Context) error {
		return func(context.Context) error { return err }
	}
	tests := []struct {
		name   string
		cancel bool // cancel the caller's context
		run    []func(context.Context) error
		want   []error
	}{
		{name: "caller cancels", cancel: true, run: []func(context.Context) error{untilDone(nil), untilDone(nil)}},
		{name: "first return stops the others", run: []func(context.Context) error{returns(nil), untilDone(nil)}},
		{name: "every error, first returned first", run: []func(context.Context) error{untilDone(bang), returns(boom)}, want: []error{boom, bang}},
		{name: "nothing to run", run: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if tt.cancel {
				time.AfterFunc(10*time.Millisecond, cancel)
			}
			f := &factory{}
			err := RunAll(ctx, []kubeclient.Factory{f}, tt.run...)
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatal("RunAll returned only when the test timed out")
			}
			var want error
			if len(tt.want) > 0 {
				want = errors.Join(tt.want...)
			}
			if (err == nil) != (want == nil) || (err != nil && err.Error() != want.Error()) {
				t.Errorf("RunAll = %v, want %v", err, want)
			}
			if f.stop == nil || !f.shutdown || !f.afterStop {
				t.Errorf("factory started %v, shut down %v, after stop %v; want all", f.stop != nil, f.shutdown, f.afterStop)
			}
		})
	}
}
