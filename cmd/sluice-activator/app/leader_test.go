package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	scalefake "k8s.io/client-go/scale/fake"
	"k8s.io/client-go/tools/record"

	"github.com/sluice-dev/sluice/pkg/activator"
	sluicefake "github.com/sluice-dev/sluice/pkg/client/clientset/versioned/fake"
	sluiceinformers "github.com/sluice-dev/sluice/pkg/client/informers/externalversions"
)

// TestLeaderElection runs the workers behind a Lease on a fake API server:
// the Lease is taken, and released when the context ends.
func TestLeaderElection(t *testing.T) {
	kube := kubefake.NewClientset()
	sluice := sluicefake.NewClientset()
	kf := informers.NewSharedInformerFactory(kube, 0)
	sf := sluiceinformers.NewSharedInformerFactory(sluice, 0)
	ctrl, err := activator.New(activator.Config{
		Kube: kube, Sluice: sluice, Scales: &scalefake.FakeScaleClient{},
		Resolver: activator.NewMapperResolver(meta.NewDefaultRESTMapper(nil), nil),
		Sources: []activator.Source{{
			ScaledObjects: sf.Keda().V1alpha1().ScaledObjects(),
			HPAs:          kf.Autoscaling().V2().HorizontalPodAutoscalers(),
		}},
		Recorder: record.NewFakeRecorder(10), Logger: zap.NewNop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	o := NewOptions()
	// Acquiring takes one RetryPeriod; the lease times are long enough that
	// a loaded machine never misses a renewal within the test.
	o.LeaderElection.LeaseDuration, o.LeaderElection.RenewDeadline, o.LeaderElection.RetryPeriod = 30*time.Second, 20*time.Second, 100*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	kf.Start(ctx.Done())
	sf.Start(ctx.Done())
	defer kf.Shutdown()
	defer sf.Shutdown()

	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan error, 1)
	wg.Go(func() { done <- runWorkers(ctx, o, kube, ctrl, zap.NewNop()) })
	holder := func(ctx context.Context) string {
		lease, err := kube.CoordinationV1().Leases(o.LeaderElection.LeaseNamespace).Get(ctx, o.LeaderElection.LeaseName, metav1.GetOptions{})
		if err != nil || lease.Spec.HolderIdentity == nil {
			return ""
		}
		return *lease.Spec.HolderIdentity
	}
	err = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		return holder(ctx) != "", nil
	})
	if err != nil {
		t.Fatalf("lease never acquired: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runWorkers: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("runWorkers did not return")
	}
	if h := holder(context.Background()); h != "" {
		t.Errorf("lease still held by %q after shutdown", h)
	}
}
