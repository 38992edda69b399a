// Package leader is the one leader-election design of sluice-adapter and
// sluice-activator: the same flags, and the same behaviour on losing the
// Lease. A replica that loses it stops its leader work, waits until that
// work has returned, and campaigns again; the process goes on (the adapter
// keeps serving metrics, the activator keeps its caches warm), so a
// kube-apiserver outage longer than the renew deadline costs a term, never
// a restart.
package leader

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/uuid"
	coordinationv1 "k8s.io/client-go/kubernetes/typed/coordination/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// Options are the leader-election settings; NewOptions holds the defaults.
type Options struct {
	// Elect turns election on; off, the leader work runs at once.
	Elect bool
	// LeaseName and LeaseNamespace name the Lease.
	LeaseName, LeaseNamespace string
	// LeaseDuration is how long a Lease is valid without renewal;
	// RenewDeadline how long the leader tries to renew before it stops
	// leading; RetryPeriod how often candidates try to acquire or renew.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
}

// NewOptions returns the defaults for the Lease name in namespace ns:
// client-go's usual 15s, 10s and 2s.
func NewOptions(name, ns string) Options {
	return Options{
		Elect: true, LeaseName: name, LeaseNamespace: ns,
		LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second,
	}
}

// AddFlags binds the options to fs. what says what the leader does, for
// --leader-elect's help ("write ScaledObject status").
func (o *Options) AddFlags(fs *pflag.FlagSet, what string) {
	fs.BoolVar(&o.Elect, "leader-elect", o.Elect, "elect one replica to "+what+"; the others wait with warm caches and take over when it stops")
	fs.StringVar(&o.LeaseName, "leader-elect-lease-name", o.LeaseName, "name of the leader-election Lease")
	fs.StringVar(&o.LeaseNamespace, "leader-elect-lease-namespace", o.LeaseNamespace, "namespace of the leader-election Lease")
	fs.DurationVar(&o.LeaseDuration, "leader-elect-lease-duration", o.LeaseDuration, "how long a Lease is valid without renewal: how long a crashed leader is waited for")
	fs.DurationVar(&o.RenewDeadline, "leader-elect-renew-deadline", o.RenewDeadline, "how long the leader tries to renew before it stops leading; less than the lease duration")
	fs.DurationVar(&o.RetryPeriod, "leader-elect-retry-period", o.RetryPeriod, "how often candidates try to acquire or renew the Lease")
}

// Validate returns every problem, each naming its flag.
func (o *Options) Validate() []error {
	if !o.Elect {
		return nil
	}
	var errs []error
	bad := func(flag, msg string) { errs = append(errs, fmt.Errorf("--%s: %s", flag, msg)) }
	if o.LeaseName == "" {
		bad("leader-elect-lease-name", "must not be empty")
	}
	if o.LeaseNamespace == "" {
		bad("leader-elect-lease-namespace", "must not be empty")
	}
	if o.RetryPeriod <= 0 {
		bad("leader-elect-retry-period", "must be greater than 0")
	} else if o.RetryPeriod >= o.RenewDeadline {
		bad("leader-elect-retry-period", "must be less than --leader-elect-renew-deadline")
	}
	if o.RenewDeadline >= o.LeaseDuration {
		bad("leader-elect-renew-deadline", "must be less than --leader-elect-lease-duration")
	}
	return errs
}

// Identity names this replica in the Lease: the host name and a random
// suffix, so that two replicas on one host never share a term.
func Identity() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return host + "_" + string(uuid.NewUUID())
}

// Run runs lead while this replica holds the Lease (at once and only once
// without election) until ctx is done. lead's context ends when the term
// ends; Run waits for lead to return before it releases the Lease or
// campaigns again, so two replicas never lead at once while the Lease is
// honoured.
func Run(ctx context.Context, o Options, leases coordinationv1.LeasesGetter, identity string, log *zap.Logger, lead func(context.Context)) error {
	if !o.Elect {
		lead(ctx)
		return nil
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: o.LeaseName, Namespace: o.LeaseNamespace},
		Client:     leases,
		LockConfig: resourcelock.ResourceLockConfig{Identity: identity},
	}
	log = log.Named("election").With(zap.String("lease", o.LeaseNamespace+"/"+o.LeaseName), zap.String("identity", identity))
	for ctx.Err() == nil {
		if err := term(ctx, o, lock, log, lead); err != nil {
			return err
		}
	}
	return nil
}

// term campaigns once and, when elected, leads until the Lease is lost or
// ctx is done.
func term(ctx context.Context, o Options, lock resourcelock.Interface, log *zap.Logger, lead func(context.Context)) error {
	leadCtx, stopLead := context.WithCancel(ctx)
	defer stopLead()
	// The elector's context outlives ctx until lead has returned: the
	// Lease is released only after the leader work stopped.
	electCtx, stopElect := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElect()
	var (
		mu      sync.Mutex
		closed  bool
		started bool
		done    = make(chan struct{})
	)
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		LeaseDuration:   o.LeaseDuration,
		RenewDeadline:   o.RenewDeadline,
		RetryPeriod:     o.RetryPeriod,
		ReleaseOnCancel: true,
		Name:            o.LeaseName,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(termCtx context.Context) {
				mu.Lock()
				if closed {
					mu.Unlock()
					return
				}
				started = true
				mu.Unlock()
				defer close(done)
				stop := context.AfterFunc(termCtx, stopLead)
				defer stop()
				log.Info("leading")
				lead(leadCtx)
			},
			OnStoppedLeading: func() {},
		},
	})
	if err != nil {
		return fmt.Errorf("create leader elector: %w", err)
	}
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		le.Run(electCtx)
	}()
	select {
	case <-ran: // the term ended: renewal failed
	case <-ctx.Done():
	}
	stopLead()
	mu.Lock()
	closed = true
	leading := started
	mu.Unlock()
	if leading {
		<-done
		if ctx.Err() == nil {
			log.Warn("lost the Lease: stopped leading; campaigning again")
		}
	}
	stopElect()
	<-ran
	return nil
}
