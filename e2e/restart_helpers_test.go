//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/sluice-dev/sluice/pkg/testenv"
)

// logCount returns how often p's log holds msg as a JSON message.
func logCount(t *testing.T, p *testenv.Process, msg string) int {
	t.Helper()
	b, err := os.ReadFile(p.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte(`"msg":"`+msg))
}

// readyzOK returns nil when the program's /readyz on its metrics address
// answers 200.
func readyzOK(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := newGet(ctx, "http://"+addr+"/readyz")
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("readyz: %s", resp.Status)
	}
	return nil
}

// replicaWatch reads Deployments' spec.replicas every 250ms, in the
// background, and records every reading outside the allowed range. Reads
// that fail (kube-apiserver down) are counted, not judged: nothing can
// change a Deployment while no server writes it.
type replicaWatch struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	reads      int
	failed     int
	violations []string
}

// watchReplicas starts a watch of the Deployments in ns named in allowed,
// each allowed between its min and max. Stop it with stop.
func watchReplicas(ns string, allowed map[string][2]int32) *replicaWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &replicaWatch{cancel: cancel}
	w.wg.Go(func() {
		wait.NonSlidingUntilWithContext(ctx, func(ctx context.Context) {
			for name, r := range allowed {
				rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
				d, err := cluster.Client.AppsV1().Deployments(ns).Get(rctx, name, metav1.GetOptions{})
				rcancel()
				w.record(name, r, d, err)
			}
		}, 250*time.Millisecond)
	})
	return w
}

func (w *replicaWatch) record(name string, allowed [2]int32, d *appsv1.Deployment, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads++
	if err != nil {
		w.failed++
		return
	}
	if n := ptr.Deref(d.Spec.Replicas, 1); n < allowed[0] || n > allowed[1] {
		w.violations = append(w.violations, fmt.Sprintf("%s %s: %d replicas, allowed %d to %d",
			time.Now().Format(time.TimeOnly), name, n, allowed[0], allowed[1]))
	}
}

// stop ends the watch and returns the readings: how many, how many failed,
// and those out of range.
func (w *replicaWatch) stop() (reads, failed int, violations []string) {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reads, w.failed, w.violations
}
