package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// The app the demo deploys.
const (
	appName      = "queue-worker"
	appNamespace = "demo"
	queueName    = "orders"
	imageName    = "example.invalid/queue-worker:demo"
)

// runDemo is the foreground run: environment, deploy, story, summary.
func runDemo(ctx context.Context, o options, out io.Writer) (err error) {
	st, reused, err := ensureEnv(ctx, o, out)
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if keep {
			return
		}
		fmt.Fprintln(out, "stopping the environment…")
		stopSupervisor(st.PID)
		_ = os.Remove(statePath(o.stateDir))
		if err == nil || errors.Is(err, context.Canceled) {
			_ = os.RemoveAll(runDir(o.stateDir))
		}
	}()
	defer func() {
		if err != nil && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w\nlogs:\n  %s\n  %s", err, superLog(o.stateDir), strings.Join(st.Logs, "\n  "))
		}
	}()
	if reused {
		fmt.Fprintf(out, "reusing the environment left running by an earlier run (pid %d)\n", st.PID)
	}
	if err := deployApp(ctx, o, st.envInfo, out); err != nil {
		return err
	}
	obs, err := newObserver(ctx, st.envInfo, appNamespace, appName)
	if err != nil {
		return err
	}
	tl, err := playStory(ctx, obs, demoPlan(), newView(out))
	if err != nil {
		return err
	}
	printSummary(out, tl)
	if err := tl.check(); err != nil {
		return err
	}
	if o.keep {
		keep = true
		printKeep(out, st)
	}
	return nil
}

// ensureEnv reuses a healthy environment a kept run left, or starts one.
func ensureEnv(ctx context.Context, o options, out io.Writer) (*state, bool, error) {
	s, err := readState(o.stateDir)
	if err != nil {
		return nil, false, err
	}
	if s != nil && processAlive(s.PID) {
		if !s.Keep {
			return nil, false, fmt.Errorf("another demo is running (pid %d); stop it with `make demo-stop`", s.PID)
		}
		if s.healthy(ctx) {
			return s, true, nil
		}
		fmt.Fprintf(out, "the environment of an earlier run (pid %d) is not healthy: restarting it\n", s.PID)
		stopSupervisor(s.PID)
	}
	fmt.Fprintln(out, "starting etcd, kube-apiserver, kube-controller-manager, Azurite, sluice-adapter and sluice-activator on 127.0.0.1…")
	start := time.Now()
	s, err = launchSupervisor(ctx, o)
	if err != nil {
		return nil, false, err
	}
	fmt.Fprintf(out, "environment up in %s\n", time.Since(start).Round(100*time.Millisecond))
	return s, false, nil
}

// printKeep tells how to explore the kept environment and stop it.
func printKeep(out io.Writer, st *state) {
	fmt.Fprintf(out, `
The cluster keeps running. Explore it with kubectl:

  export KUBECONFIG=%s
  kubectl -n %[2]s get scaledobject,hpa,deployment
  kubectl -n %[2]s describe hpa keda-hpa-%[3]s
  kubectl get --raw "/apis/external.metrics.k8s.io/v1beta1/namespaces/%[2]s/s0-azure-queue-%[4]s?labelSelector=scaledobject.keda.sh%%2Fname%%3D%[3]s"

The queue %[4]q is in Azurite: %[5]s
Run `+"`make demo`"+` again to reuse it; stop it with `+"`make demo-stop`"+`.
`, st.Kubeconfig, appNamespace, appName, queueName, redactKey(st.QueueConn))
}

// redactKey hides the account key of a connection string; the well-known
// development key is no secret, but keys are never printed.
func redactKey(conn string) string {
	parts := strings.Split(conn, ";")
	for i, p := range parts {
		if strings.HasPrefix(p, "AccountKey=") {
			parts[i] = "AccountKey=<devstoreaccount1 key>"
		}
	}
	return strings.Join(parts, ";")
}
